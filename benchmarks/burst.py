"""A room acting at once, over HTTP against the real server: N learners sign in together, save a reflective entry
together, mark a unit read together, and 30 check in to one register within one second.

For each server and database it reports, per burst: requests, errors (anything but the success redirect, or no
answer), accepted writes missing from the database afterwards, and p50/p95 latency. Servers:
  serve             `equiptrain serve` (gunicorn gthread, 1 process x 8 threads) on SQLite
  gunicorn-sqlite   gunicorn equiptrain.wsgi, 2 workers x 4 threads, SQLite, limits in Redis
  gunicorn-postgres the same on PostgreSQL (needs --postgres URL of an empty database it may wipe)
`--kill` instead runs the entries burst under gunicorn and SIGKILLs one worker mid-burst: every write answered
with success must be in the database, and the server must answer again within 5 s.

    python -m benchmarks.burst [--n 100] [--servers serve,gunicorn-sqlite] [--postgres URL] [--kill]

Loopback only; every server it starts (and the Redis it starts) is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.live import Client
from tests.servers import BIN, ROOT, Redis, free_port, stop

PASSWORD = "a benchmark passphrase"
UNIT = "/modules/foundations/units/what-involvement-means"
CHECK_INS = 30
TIMEOUT = 60


def prepare(database_url: str, n: int, folder: Path) -> dict:
    """Schema, the course, a team of n learners (one hash, shared: hashing 100 passwords is not the point) and a
    workshop for the team with check-in open. Returns the ids the checks need."""
    os.environ["EQUIPTRAIN_INSTANCE_PATH"] = str(folder / "prepare-instance")
    import logging

    from sqlalchemy import text

    from equiptrain import create_app
    from equiptrain.accounts.models import (
        Membership,
        MembershipRole,
        Organisation,
        Profession,
        Team,
        TeamSetting,
        TrainerKind,
        TrainerProfile,
        User,
    )
    from equiptrain.accounts.passwords import hash_password
    from equiptrain.cli import upgrade_database
    from equiptrain.content.sync import sync_course
    from equiptrain.db import utcnow
    from equiptrain.extensions import db
    from equiptrain.workshops import attendance
    from equiptrain.workshops import services as workshop_services
    from equiptrain.workshops.models import WorkshopKind

    logging.getLogger("equiptrain.mail").setLevel(logging.WARNING)  # the workshop invitations: no line each
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "burst-benchmark-secret"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade_database()
        sync_course(Path(app.config["CONTENT_DIR"]))
        db.session.commit()
        org = Organisation(name="Burst Trust")
        team = Team(organisation=org, name="Burst team", setting=TeamSetting.COMMUNITY)
        hashed = hash_password(PASSWORD)
        learners = [
            User(
                email=f"learner{i}@burst.example",
                name=f"Learner {i}",
                profession=Profession.NURSE,
                organisation=org,
                password_hash=hashed,
            )
            for i in range(n)
        ]
        admin = User(
            email="admin@burst.example",
            name="Admin",
            profession=Profession.OTHER,
            organisation=org,
            is_org_admin=True,
            password_hash=hashed,
        )
        trainers = [
            User(
                email=f"trainer{i}@burst.example",
                name=f"Trainer {i}",
                profession=Profession.OTHER,
                organisation=org,
                password_hash=hashed,
                trainer_profile=TrainerProfile(kind=kind),
            )
            for i, kind in enumerate((TrainerKind.PROFESSIONAL, TrainerKind.SERVICE_USER))
        ]
        db.session.add_all([org, team, admin, *learners, *trainers])
        db.session.add_all(Membership(user=u, team=team, role=MembershipRole.MEMBER) for u in learners)
        db.session.flush()
        from sqlalchemy import select

        from equiptrain.content.models import Module

        module = db.session.scalar(select(Module).where(Module.slug == "foundations"))
        start = utcnow().replace(second=0, microsecond=0)
        import datetime as dt

        workshop = workshop_services.save_workshop(
            admin,
            None,
            organisation=org,
            title="Burst workshop",
            kind=WorkshopKind.CORE,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=6),
            room="Room 1",
            online_url=None,
            capacity=n + 10,
            modules=[module],
            teams=[team],
            facilitators=trainers,
            follow_up_of=None,
        )
        for trainer in trainers:  # lived-experience trainers have done train-the-trainers, as publishing asks
            if trainer.trainer_profile.kind.lived_experience:
                workshop_services.save_training(
                    admin, trainer.trainer_profile, completed_on=start.date(), sessions_shadowed=2, preparation=""
                )
        workshop_services.publish(admin, workshop)
        code = attendance.open_check_in(admin, workshop)
        db.session.commit()
        world = {
            "emails": [u.email for u in learners],
            "ids": [u.id for u in learners],
            "code": code,
            "workshop_id": workshop.id,
            "hash_seconds": _hash_seconds(hash_password),
        }
        db.session.remove()
        db.engine.dispose()
    return world


def _hash_seconds(hash_password) -> float:
    started = time.perf_counter()
    for _ in range(5):
        hash_password(PASSWORD)
    return (time.perf_counter() - started) / 5


def written(database_url: str, world: dict) -> dict[str, set[int]]:
    """Which learners' writes are in the database: signed in, entry saved, unit read, checked in."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:

            def ids(sql):
                return {row[0] for row in conn.execute(text(sql))}

            return {
                "sign-in": ids("SELECT DISTINCT user_id FROM user_sessions"),
                "entries": ids("SELECT author_id FROM reflective_entries"),
                "mark-read": ids("SELECT user_id FROM unit_reads"),
                "check-in": ids(
                    f"SELECT user_id FROM attendances WHERE workshop_id = {int(world['workshop_id'])} "
                    "AND checked_in_at IS NOT NULL"
                ),
            }
    finally:
        engine.dispose()


class Server:
    def __init__(self, kind: str, database_url: str, folder: Path, redis_url: str | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "EQUIPTRAIN_INSTANCE_PATH": str(folder / f"{kind}-instance"),
            "EQUIPTRAIN_DATABASE_URL": database_url,
            "EQUIPTRAIN_SECRET_KEY": "burst-benchmark-secret",
            "EQUIPTRAIN_PRODUCTION": "false",
            "EQUIPTRAIN_SYNC_CONTENT_ON_SERVE": "false",
            # one address signs everyone in; the benchmark is not about the limits
            "EQUIPTRAIN_SIGNIN_LIMIT_PER_ADDRESS": "100000 per minute",
        }
        if redis_url:
            env["EQUIPTRAIN_RATELIMIT_STORAGE_URI"] = redis_url
        if kind == "serve":
            command = [
                sys.executable,
                "-c",
                "from equiptrain.cli import main; main()",
                "serve",
                "--port",
                str(self.port),
            ]
        else:
            command = [
                str(BIN / "gunicorn"),
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
                "equiptrain.wsgi:app",
            ]
        self.log = open(folder / f"{kind}.log", "wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        if self.wait_for_answer(90) is None:
            self.stop()
            raise RuntimeError(f"{kind} did not start; see {folder / (kind + '.log')}")

    def wait_for_answer(self, seconds: float) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < seconds and self.process.poll() is None:
            try:
                if Client(self.url, timeout=2).get("/sign-in")[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.05)
        return None

    def workers(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self):
        stop(self.process)
        self.log.close()


def burst(jobs, spread: float = 0.0) -> list[tuple[int, float]]:
    """Run the jobs together (released by one barrier; with `spread`, job i waits i/len*spread seconds more).
    Each gives (status, seconds); no answer is status 0."""
    jobs = list(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(args):
        i, job = args
        barrier.wait(timeout=TIMEOUT)
        if spread:
            time.sleep(i / len(jobs) * spread)
        started = time.perf_counter()
        try:
            status = job()
        except (OSError, http.client.HTTPException):  # the connection dropped: no answer
            status = 0
        return status, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, enumerate(jobs)))


def _form(client: Client, path: str) -> str:
    return client.csrf(path)


def run_bursts(server: Server, world: dict, n: int) -> dict[str, list[tuple[int, float]]]:
    clients = [Client(server.url, timeout=TIMEOUT) for _ in range(n)]
    tokens = [_form(c, "/sign-in") for c in clients]
    results = {
        "sign-in": burst(
            lambda c=c, t=t, e=e: c.post("/sign-in", {"csrf_token": t, "email": e, "password": PASSWORD})[0]
            for c, t, e in zip(clients, tokens, world["emails"], strict=True)
        )
    }
    tokens = [_form(c, "/reflection/new/gibbs") for c in clients]
    results["entries"] = burst(
        lambda c=c, t=t: c.post(
            "/reflection/new/gibbs",
            {
                "csrf_token": t,
                "title": "After the review meeting",
                "description": "We went through the plan together.",
                "feelings": "Unsure at first.",
                "action_plan": "Ask what they want to change first.",
                "module_id": "",
            },
        )[0]
        for c, t in zip(clients, tokens, strict=True)
    )
    tokens = [_form(c, UNIT) for c in clients]
    results["mark-read"] = burst(
        lambda c=c, t=t: c.post(UNIT + "/read", {"csrf_token": t})[0] for c, t in zip(clients, tokens, strict=True)
    )
    room = clients[:CHECK_INS]
    tokens = [_form(c, "/workshops/check-in") for c in room]
    results["check-in"] = burst(
        (
            lambda c=c, t=t: c.post("/workshops/check-in", {"csrf_token": t, "code": world["code"]})[0]
            for c, t in zip(room, tokens, strict=True)
        ),
        spread=1.0,
    )
    return results


def report(label: str, results: dict, present: dict[str, set[int]], world: dict) -> None:
    for name, outcomes in results.items():
        ids = world["ids"][: len(outcomes)]
        accepted = {uid for uid, (status, _) in zip(ids, outcomes, strict=True) if status == 302}
        errors = sum(status != 302 for status, _ in outcomes)
        missing = len(accepted - present[name])
        times = sorted(t for _, t in outcomes)
        q = statistics.quantiles(times, n=100, method="inclusive")
        print(f"| {label} | {name} | {len(outcomes)} | {errors} | {missing} | {q[49]:.2f} | {q[94]:.2f} |", flush=True)


def kill_run(database_url: str, world: dict, folder: Path, redis_url: str, n: int) -> None:
    server = Server("gunicorn-kill", database_url, folder, redis_url)
    try:
        clients = [Client(server.url, timeout=TIMEOUT) for _ in range(n)]
        tokens = [_form(c, "/sign-in") for c in clients]
        for c, t, e in zip(clients, tokens, world["emails"], strict=True):
            c.post("/sign-in", {"csrf_token": t, "email": e, "password": PASSWORD})
        tokens = [_form(c, "/reflection/new/gibbs") for c in clients]
        victim = server.workers()[0]
        killed, answers, lock = {}, [0], threading.Lock()
        first_answers = threading.Event()

        def killer():
            # Mid-burst for certain: once the first tenth of the room has its answer.
            if first_answers.wait(timeout=TIMEOUT):
                os.kill(victim, signal.SIGKILL)
                killed["at"] = time.monotonic()
                while time.monotonic() - killed["at"] < 10:  # until the arbiter has a new worker in its place
                    pids = server.workers()
                    if len(pids) == 2 and victim not in pids:
                        killed["replaced"] = time.monotonic() - killed["at"]
                        return
                    time.sleep(0.05)

        def entry(client, token):
            status = client.post(
                "/reflection/new/gibbs",
                {
                    "csrf_token": token,
                    "title": "Mid-burst",
                    "description": "Written while a worker died.",
                    "module_id": "",
                },
            )[0]
            with lock:
                answers[0] += 1
                if answers[0] >= n // 10:
                    first_answers.set()
            return status

        thread = threading.Thread(target=killer)
        thread.start()
        outcomes = burst(lambda c=c, t=t: entry(c, t) for c, t in zip(clients, tokens, strict=True))
        first_answers.set()
        thread.join()
        if "at" not in killed:
            raise RuntimeError("the worker was not killed")
        answered_again = server.wait_for_answer(5)
        replaced = killed.get("replaced")
        present = written(database_url, world)["entries"]
        accepted = {uid for uid, (status, _) in zip(world["ids"], outcomes, strict=False) if status == 302}
        print(
            f"kill one of 2 workers after {n // 10} of {n} entries were answered: {len(accepted)} answered with "
            "success, "
            f"{sum(s == 0 for s, _ in outcomes)} connections dropped, "
            f"{sum(s not in (0, 302) for s, _ in outcomes)} other errors, {len(accepted - present)} accepted "
            f"writes missing; answered again after "
            f"{'no answer within 5 s' if answered_again is None else f'{answered_again:.2f} s'}; "
            + (
                f"worker replaced {replaced:.1f} s after the kill"
                if replaced is not None
                else "worker NOT replaced within 10 s"
            ),
            flush=True,
        )
    finally:
        server.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--servers", default="serve,gunicorn-sqlite")
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database the benchmark may wipe")
    parser.add_argument("--kill", action="store_true")
    args = parser.parse_args(argv)
    if args.n < CHECK_INS:
        parser.error(f"--n must be at least {CHECK_INS}")
    kinds = [k for k in args.servers.split(",") if k]
    if args.postgres and "gunicorn-postgres" not in kinds and not args.kill:
        kinds.append("gunicorn-postgres")
    with tempfile.TemporaryDirectory(prefix="equiptrain-burst-") as tmp:
        folder = Path(tmp)
        redis = Redis(folder)
        try:
            if args.kill:
                url = args.postgres or f"sqlite:///{folder / 'kill.db'}"
                world = prepare(url, args.n, folder)
                kill_run(url, world, folder, redis.url, args.n)
                return 0
            print(f"N = {args.n}; {CHECK_INS} check-ins spread over 1 s; times in seconds", flush=True)
            print(
                "| server, database | burst | requests | errors | missing | p50 | p95 |\n| --- | --- | --- | --- "
                "| --- | --- | --- |",
                flush=True,
            )
            for kind in kinds:
                if kind == "gunicorn-postgres":
                    if not args.postgres:
                        print("gunicorn-postgres: give --postgres URL", flush=True)
                        continue
                    url = args.postgres
                else:
                    url = f"sqlite:///{folder / (kind + '.db')}"
                world = prepare(url, args.n, folder)
                server = Server(kind, url, folder, None if kind == "serve" else redis.url)
                try:
                    results = run_bursts(server, world, args.n)
                finally:
                    server.stop()
                database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
                label = {"serve": "equiptrain serve (1 x 8 threads)"}.get(kind, "gunicorn 2 x 4 threads")
                report(f"{label}, {database}", results, written(url, world), world)
            print(f"argon2id hash at the default cost: {world['hash_seconds'] * 1000:.0f} ms each (one core)")
        finally:
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
