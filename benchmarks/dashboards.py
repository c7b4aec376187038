"""Dashboard server time at the scale of a large trust: 10,000 staff in 500 teams (`equiptrain demo --large`).

Measures, in-process (the app called through Flask's test client, no network), the median and 95th percentile of:
  the team view of a 25-person team, as its manager;
  the organisation view (500 teams), as the programme lead;
and the time to stream the compliance CSV (one row per completion, over 10,000 staff: tens of thousands of rows)
and the organisation XLSX. Targets on the 2-core machine: team p95 <= 50 ms, organisation p95 <= 250 ms,
export <= 2 s.

  .venv/bin/python -m benchmarks.dashboards                       # SQLite in a temporary folder
  .venv/bin/python -m benchmarks.dashboards --database-url postgresql+psycopg://user@host:port/db   # emptied first!
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def _time(client, url: str, rounds: int) -> list[float]:
    for _ in range(3):  # warm: templates compiled
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:500])
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (its public schema is dropped and rebuilt)")
    parser.add_argument("--team-rounds", type=int, default=200)
    parser.add_argument("--org-rounds", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="equiptrain-dash-"))
    (tmp / "instance").mkdir()
    os.environ["EQUIPTRAIN_INSTANCE_PATH"] = str(tmp / "instance")
    try:
        from flask_migrate import upgrade
        from sqlalchemy import select, text

        from equiptrain import create_app
        from equiptrain.accounts import services as accounts_services
        from equiptrain.accounts.models import Membership, MembershipRole, User
        from equiptrain.accounts.passwords import hash_password
        from equiptrain.content.sync import sync_course
        from equiptrain.demo.large import LARGE_ORGANISATION, build_organisation, load_large
        from equiptrain.extensions import db

        config = {"WTF_CSRF_ENABLED": False, "SYNC_CONTENT_ON_SERVE": False, "SECRET_KEY": "benchmark"}
        if args.database_url:
            config["DATABASE_URL"] = args.database_url
        app = create_app(config)
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade()
            sync_course(Path(app.config["CONTENT_DIR"]))
            db.session.commit()
            started = time.perf_counter()
            print(load_large(hash_password("benchmark password")))
            print(f"  built in {time.perf_counter() - started:.1f} s")
            small = build_organisation(
                "Benchmark team of 25",
                teams=1,
                staff_per_team=25,
                password_hash=None,
                entries=60,
                workshops=2,
                email_domain="bench.example",
            )
            db.session.commit()
            manager = db.session.scalar(
                select(User)
                .join(Membership)
                .where(Membership.team_id == small.team_ids[0], Membership.role == MembershipRole.MANAGER)
            )
            lead = db.session.scalar(
                select(User).where(User.is_programme_lead, User.organisation.has(name=LARGE_ORGANISATION))
            )
            # A signed-in browser is a session row; the cookie carries its token.
            manager_id, lead_id = accounts_services.start_session(manager), accounts_services.start_session(lead)
            team_id = small.team_ids[0]
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            db.session.remove()
            dialect = db.engine.dialect.name

        # Requests outside the set-up's app context, as in production (each gets its own `g`).
        client = app.test_client()

        def sign_in(ident: str) -> None:
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = ident, True

        sign_in(manager_id)
        team = _time(client, f"/dashboards/teams/{team_id}", args.team_rounds)
        sign_in(lead_id)
        org = _time(client, "/dashboards/organisation", args.org_rounds)
        exports = {}
        for url in ("/dashboards/organisation/compliance.csv", "/dashboards/organisation/export.xlsx"):
            started = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            exports[url] = ((time.perf_counter() - started) * 1000, body)
        print(f"database: {dialect}")
        print(
            f"team view (25 people):       median {statistics.median(team):6.1f} ms   "
            f"p95 {_percentile(team, 95):6.1f} ms   ({len(team)} requests; target p95 <= 50 ms)"
        )
        print(
            f"organisation view (500 teams): median {statistics.median(org):6.1f} ms   "
            f"p95 {_percentile(org, 95):6.1f} ms   ({len(org)} requests; target p95 <= 250 ms)"
        )
        for url, (ms, body) in exports.items():
            rows = body.count(b"\n") - 1 if url.endswith(".csv") else None
            print(
                f"{url}: {ms / 1000:.2f} s, {len(body) / 1e6:.1f} MB"
                + (f", {rows:,} rows" if rows else "")
                + " (target <= 2 s)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
