"""How long a large staff import holds its request, and how fast its invitations go out afterwards.

Builds a temporary instance (SQLite, argon2 at its configured cost is not involved: imported people have no
password), writes a CSV of N people (BENCH_IMPORT_ROWS, default 2000 and 10000), posts it to the import page as an
organisation admin through the test client, and reports the request's time; then runs the queued invitation
task (batches of INVITATION_BATCH_SIZE, outbox mail backend) and reports invitations per second.
Run: `python -m benchmarks.staff_import`.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
from pathlib import Path


def run(rows: int) -> None:
    instance = Path(tempfile.mkdtemp(prefix="equiptrain-import-"))
    os.environ["EQUIPTRAIN_INSTANCE_PATH"] = str(instance)
    try:
        from equiptrain import create_app
        from equiptrain.accounts import services
        from equiptrain.accounts.models import Organisation, Team, TeamSetting
        from equiptrain.cli import upgrade_database
        from equiptrain.extensions import db
        from equiptrain.jobs.queue import jobs

        app = create_app(
            {
                "SYNC_CONTENT_ON_SERVE": False,
                "WTF_CSRF_ENABLED": False,
                "JOBS_URL": "memory://",
                "IMPORT_MAX_ROWS": max(rows, 10000),
            }
        )
        with app.app_context():
            upgrade_database()
            org = Organisation(name="Benchmark Trust")
            db.session.add_all([org, Team(organisation=org, name="North CMHT", setting=TeamSetting.COMMUNITY)])
            admin = services.create_user(
                None,
                name="Admin",
                email="admin@bench.example",
                profession=services.Profession.OTHER,
                organisation=org,
                is_org_admin=True,
            )
            db.session.commit()
            text = "name,email,profession,employee_number,team,manager\n" + "".join(
                f"Person {i},person{i}@bench.example,nurse,E{i},North CMHT,no\n" for i in range(rows)
            )
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = admin.get_id()
                session["_fresh"] = True
            started = time.perf_counter()
            response = client.post(
                "/admin/import",
                data={"file": (io.BytesIO(text.encode()), "staff.csv")},
                content_type="multipart/form-data",
            )
            request_seconds = time.perf_counter() - started
            assert response.status_code == 302, response.status_code
            queue = jobs(app)
            started = time.perf_counter()
            queue.run_pending()
            send_seconds = time.perf_counter() - started
            sent = len(list((instance / "outbox").glob("*.eml")))
            print(
                f"{rows} people: import request {request_seconds:.1f} s ({len(text) / 1024:.0f} KB); "
                f"invitations {sent} in {send_seconds:.1f} s ({sent / send_seconds:.0f}/s, by the queued jobs)"
            )
            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    for n in [int(x) for x in os.environ.get("BENCH_IMPORT_ROWS", "2000,10000").split(",")]:
        run(n)
