"""Where a learner page's time goes: cProfile over repeated requests for a unit page and My programme, through the
test client (no server, no network), on a temporary instance with the demo trust loaded. Prints, for each page,
the SQL statements one request runs, the Python function calls a request makes (a measure of work that does not
depend on how loaded the machine is), and the top entries by own time and by cumulative time.

    python -m benchmarks.profile_learner_pages [--n 200] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
from pathlib import Path

LEARNER = "sam.okafor@northbridge.example"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="equiptrain-profile-"))
    os.environ["EQUIPTRAIN_INSTANCE_PATH"] = str(folder)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from equiptrain import create_app
    from equiptrain.accounts.models import User
    from equiptrain.accounts.services import start_session
    from equiptrain.content.models import Module
    from equiptrain.demo import load_demo
    from equiptrain.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'profile.db'}", "SECRET_KEY": "profile"})
    with app.app_context():
        upgrade(revision="heads")
        load_demo()
        user = db.session.scalar(select(User).where(User.email == LEARNER))
        token = start_session(user)
        module = db.session.scalar(select(Module).where(Module.slug == "foundations"))
        unit = next(u for u in module.units if u.retired_at is None)
        pages = {"unit page": f"/modules/{module.slug}/units/{unit.slug}", "My programme": "/programme"}
        db.session.commit()
        db.session.remove()
    from sqlalchemy import event

    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    for label, path in pages.items():
        for _ in range(20):  # warm: templates compiled, caches filled
            assert client.get(path).status_code == 200
        statements.clear()
        client.get(path)
        queries = [" ".join(s.split())[:100] for s in statements]
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.n):
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]
        calls = stats.total_calls  # type: ignore[attr-defined]
        print(f"\n## {label} ({path}): {total / args.n * 1000:.1f} ms of profiled CPU a request over {args.n}")
        print(f"{calls / args.n:.0f} function calls a request; {len(queries)} SQL statements a request:")
        for query in queries:
            print(f"  {query}")
        print("\n### by own time")
        stats.sort_stats("tottime").print_stats(args.top)
        print("\n### by cumulative time")
        stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
