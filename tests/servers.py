"""Real server processes for the tests that need more than one process: a throwaway redis-server and
gunicorn app servers (`equiptrain.wsgi`) on loopback ports. Every process is stopped by the test that started it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a process we started: SIGTERM (gunicorn and redis shut down cleanly), SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


class Redis:
    """A redis-server on a loopback port, nothing saved to disk."""

    def __init__(self, folder: Path):
        executable = shutil.which("redis-server")
        if executable is None:
            # Never skip: CI installs it (scripts/test's need_apt).
            raise RuntimeError("redis-server is not installed: run `apt-get install -y redis-server`")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self):
        stop(self.process)


def flush(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()


class AppServer:
    """`gunicorn equiptrain.wsgi:app` with the given settings (EQUIPTRAIN_* environment variables)."""

    def __init__(self, folder: Path, settings: dict, workers: int = 2, threads: int = 4, name: str = "app"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "EQUIPTRAIN_INSTANCE_PATH": str(folder / f"{name}-instance")}
        env.update({f"EQUIPTRAIN_{k}": str(v) for k, v in settings.items()})
        self.log = folder / f"{name}.log"
        self._log = open(self.log, "wb")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
                "--timeout",
                "60",
                "equiptrain.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_until_answering(60)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/sign-in", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_answering(self, seconds: float) -> float:
        """Seconds until the server answered; fails with its log if it does not within `seconds`."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if self.process.poll() is not None:
                break
            if self.answers():
                return time.monotonic() - started
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"the app server did not answer within {seconds} s:\n" + self.log.read_text(errors="replace")[-3000:]
        )

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self):
        stop(self.process)
        self._log.close()


def server_settings(database_url: str, redis_url: str, **more) -> dict:
    """What every test app server shares: the database, the rate-limit store, one secret key, cheap hashing."""
    return {
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "SECRET_KEY": "test-secret-key-shared-by-the-servers",
        "PRODUCTION": "false",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        **more,
    }
