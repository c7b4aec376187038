"""Throughput of the learner's most opened pages (a unit page, My programme) and of marking a unit read, against a
bare Flask endpoint.

Prepares a temporary instance folder (SQLite, demo trust loaded, which syncs the course), makes a signed-in
session cookie, serves EquipTrain and the bare app with gunicorn (2 workers, 127.0.0.1), loads each URL with
wrk and prints requests/second and the fraction of the bare endpoint's (targets: unit page 0.25, My programme
0.2; mark-as-read is measured without a target). Mark-as-read posts the form (with its CSRF token) for a unit
the learner has already read, so every request does the whole check (CSRF, the learner's record, the lock) and
answers with its redirect, as a second click does. Run it with `scripts/benchmark`; BENCH_DURATION and
BENCH_CONNECTIONS shorten or widen the runs. Servers are stopped at the end, whatever happens.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
LEARNER = "sam.okafor@northbridge.example"  # the demo nurse: modules 1 and 2 done
TARGETS = {"unit page": 0.25, "programme page": 0.2, "mark as read": None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(instance: Path) -> tuple[str, str, str]:
    """Build the database with the demo loaded; return (session cookie value, a unit page path, its CSRF
    token)."""
    os.environ["EQUIPTRAIN_INSTANCE_PATH"] = str(instance)
    from sqlalchemy import select

    from equiptrain import create_app
    from equiptrain.accounts.models import User
    from equiptrain.cli import upgrade_database
    from equiptrain.content.models import Module, Unit
    from equiptrain.demo import load_demo
    from equiptrain.extensions import db

    app = create_app({"SYNC_CONTENT_ON_SERVE": False})
    with app.app_context():
        upgrade_database()
        print(load_demo())
        user = db.session.scalar(select(User).where(User.email == LEARNER))
        unit = db.session.scalar(select(Unit).join(Module).where(Module.position == 2).order_by(Unit.position))
        path = f"/modules/{unit.module.slug}/units/{unit.slug}"
        client = app.test_client()
        from equiptrain.accounts.services import start_session

        token = start_session(user)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        # One visit first, as a browser would: the session then holds its CSRF token and identifier, so the
        # measured requests send back the cookie the app itself issued (and it is not re-issued each time).
        page = client.get(path).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        cookie = client.get_cookie("session").value
        db.session.remove()
    return cookie, path, token


def start(target: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", target],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_until_up(url: str, proc: subprocess.Popen, seconds: int = 30) -> None:
    for _ in range(seconds * 10):
        if proc.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with status {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers (e.g. a redirect to sign in)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


def check(url: str, cookie: str | None) -> None:
    """Fail loudly unless the page answers 200 for the signed-in learner (not a redirect to sign in)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": f"session={cookie}"} if cookie else {})
    try:
        status = urllib.request.build_opener(NoRedirect).open(request, timeout=10).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise RuntimeError(f"{url} answered {status}, not 200: the benchmark would measure the wrong page")


def wrk(url: str, cookie: str | None, script: Path | None = None) -> float:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: session={cookie}"]
    if script:
        cmd[1:1] = ["-s", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: run scripts/benchmark (it installs it) or apt-get install wrk", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="equiptrain-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        cookie, unit_path, token = prepare(tmp / "instance")
        post = tmp / "mark_read.lua"
        post.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.body = "csrf_token={token}"\n'
        )
        env = {
            **os.environ,
            "EQUIPTRAIN_INSTANCE_PATH": str(tmp / "instance"),
            "EQUIPTRAIN_SYNC_CONTENT_ON_SERVE": "false",
        }
        app_port, bare_port = free_port(), free_port()
        procs.append(start("equiptrain:create_app()", app_port, env, tmp / "app.log"))
        procs.append(start("benchmarks.bare_app:app", bare_port, env, tmp / "bare.log"))
        app_url, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}/"
        wait_until_up(app_url + "/sign-in", procs[0])
        wait_until_up(bare_url, procs[1])
        pages = {"unit page": app_url + unit_path, "programme page": app_url + "/programme"}
        for url in pages.values():
            check(url, cookie)
        check(bare_url, None)
        print(f"wrk: 2 threads, {CONNECTIONS} connections, {DURATION} per URL; gunicorn: 2 workers on 127.0.0.1")
        bare = wrk(bare_url, None)
        print(f"{'bare Flask endpoint':<22}{bare:>10.1f} req/s")
        ok = True
        runs = [(name, url, None) for name, url in pages.items()]
        runs.append(("mark as read", app_url + unit_path + "/read", post))
        for name, url, script in runs:
            rate = wrk(url, cookie, script)
            ratio = rate / bare
            target = TARGETS[name]
            verdict = "" if target is None else (f"(target >= {target}) {'ok' if ratio >= target else 'BELOW TARGET'}")
            ok &= target is None or ratio >= target
            print(f"{name:<22}{rate:>10.1f} req/s  {ratio:.2f} of bare {verdict}  [{url.removeprefix(app_url)}]")
        return 0 if ok else 2
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
