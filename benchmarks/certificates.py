"""Certificates: time to draw one certificate PDF, and to issue a whole cohort (100 people) with the command.

A temporary SQLite instance gets the course and a cohort of 100 learners who have completed the first two modules
(recorded directly, as on a site that had learners before certificates existed). Then:

  cohort     `equiptrain certificates issue` (in-process): checks everyone, issues 100 certificates, commits
  PDF        each certificate drawn as a PDF (WeasyPrint, tagged PDF/UA-1), after one warm-up drawing
  download   each learner downloads their certificate (the stored PDF, signed in, through the app's WSGI
             stack in-process), against the same client fetching a static file: p50 and p95 of each

Wall-clock and CPU times are both printed: on a shared machine the CPU time is the fairer figure.
Run it with `.venv/bin/python -m benchmarks.certificates [--profile]`. --profile prints where the PDF time goes.
"""

from __future__ import annotations

import cProfile
import logging
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

COHORT = 100


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="equiptrain-certs-"))
    os.environ["EQUIPTRAIN_INSTANCE_PATH"] = str(tmp / "instance")
    try:
        from click.testing import CliRunner
        from flask.cli import ScriptInfo
        from sqlalchemy import select

        from equiptrain import create_app, database_events
        from equiptrain.accounts.models import Membership, Organisation, Profession, Team, TeamSetting, User
        from equiptrain.certificates.models import Certificate
        from equiptrain.certificates.pdf import certificate_pdf
        from equiptrain.cli import main as cli
        from equiptrain.cli import upgrade_database
        from equiptrain.content.models import Module
        from equiptrain.content.sync import sync_course
        from equiptrain.db import utcnow
        from equiptrain.extensions import db
        from equiptrain.learning.models import ModuleProgress

        # The PDFs are drawn by the loop below (not by background threads competing with it for the CPU).
        app = create_app({"SYNC_CONTENT_ON_SERVE": False, "CERTIFICATE_PDF_ON_ISSUE": False})
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        with app.app_context():
            upgrade_database()
            sync_course(Path(app.config["CONTENT_DIR"]))
            org = Organisation(name="Benchmark Trust")
            team = Team(organisation=org, name="Cohort", setting=TeamSetting.COMMUNITY)
            db.session.add_all([org, team])
            modules = list(db.session.scalars(select(Module).where(Module.slug.in_(["foundations", "listening"]))))
            names = ["Siân Ŵyn-Jones", "Zdzisław Łukaszewski", "فاطمة الزهراء", "王秀英", "Nguyễn Thị Hương"]
            for n in range(COHORT):
                user = User(
                    email=f"learner{n}@bench.example",
                    name=f"{names[n % len(names)]} {n}",
                    profession=Profession.NURSE,
                    organisation=org,
                )
                db.session.add_all([user, Membership(user=user, team=team)])
                db.session.flush()
                for m in modules:
                    db.session.add(ModuleProgress(user_id=user.id, module_id=m.id, completed_at=utcnow()))
            db.session.commit()

            started, started_cpu = time.perf_counter(), time.process_time()
            result = CliRunner().invoke(cli, ["certificates", "issue"], obj=ScriptInfo(create_app=lambda: app))
            cohort_seconds, cohort_cpu = time.perf_counter() - started, time.process_time() - started_cpu
            if result.exit_code != 0:
                print(result.output)
                return 1
            print(result.output.strip().splitlines()[-1])
            db.session.commit()
            database_events.reads_first()  # the command left this context writing; the rest only reads
            certs = list(db.session.scalars(select(Certificate)))
            assert len(certs) == COHORT, len(certs)

            with app.test_request_context():
                certificate_pdf(certs[0])  # warm-up: fonts loaded, template compiled
                times, cpu, size = [], [], 0
                profiler = cProfile.Profile() if "--profile" in sys.argv else None
                for cert in certs:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    if profiler:
                        profiler.enable()
                    data = certificate_pdf(cert)
                    if profiler:
                        profiler.disable()
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
                    size += len(data)
            print(
                f"cohort of {COHORT}: `equiptrain certificates issue` took {cohort_seconds:.2f} s "
                f"({cohort_cpu:.2f} s of CPU)"
            )
            print(
                f"PDF per certificate over {len(times)}: median {statistics.median(times) * 1000:.0f} ms, "
                f"mean {statistics.mean(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms, "
                f"mean size {size / len(times) / 1024:.0f} KiB"
            )
            print(
                f"CPU time per certificate (what an idle core would take; the machine may be shared): median "
                f"{statistics.median(cpu) * 1000:.0f} ms, best {min(cpu) * 1000:.0f} ms"
            )
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            cert_ids = [c.id for c in certs]
            db.session.commit()
        downloads(app, cert_ids)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def downloads(app, cert_ids: list[int], rounds: int = 3) -> None:
    """Stored certificate downloads against a static file, through the same test client (the whole WSGI stack,
    no network): each learner signed in with a session row, as a browser is."""
    from equiptrain import database_events
    from equiptrain.accounts.services import start_session
    from equiptrain.certificates import pdf
    from equiptrain.certificates.models import Certificate
    from equiptrain.extensions import db

    with app.app_context():
        database_events.writes_now()
        certs = [db.session.get(Certificate, i) for i in cert_ids]
        for cert in certs:  # what the background task does after issuing
            pdf.stored(cert)
        tokens = [(cert.id, start_session(cert.user)) for cert in certs]
        db.session.commit()
    client = app.test_client()
    folder = Path(app.static_folder or "")
    static = "/static/" + next(p.relative_to(folder).as_posix() for p in folder.rglob("*.css"))
    assert client.get(static).status_code == 200
    files, pages, about = [], [], []
    for _ in range(rounds):
        for cert_id, token in tokens:
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = token, True
            started = time.perf_counter()
            response = client.get(f"/certificates/{cert_id}.pdf")
            pages.append(time.perf_counter() - started)
            assert response.status_code == 200 and response.data.startswith(b"%PDF")
            started = time.perf_counter()
            client.get(static).close()
            files.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get("/about").close()
            about.append(time.perf_counter() - started)
    print(f"download of a stored certificate PDF over {len(pages)}: {_percentiles(pages)}")
    print(f"static file ({static}) through the same client: {_percentiles(files)}")
    print(f"a small signed-in page (/about) through the same client: {_percentiles(about)}")


if __name__ == "__main__":
    sys.exit(main())
