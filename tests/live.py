"""A real app on a loopback port for the tests that need several requests at the same moment: its own database,
its own app (no test transaction around it), a tiny cookie-keeping HTTP client, and threads fired together."""

from __future__ import annotations

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from werkzeug.serving import make_server

from equiptrain import create_app
from equiptrain.extensions import db

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def own_app(tmp, name: str, database_url: str | None = None, **overrides):
    """A fresh app on its own database (SQLite file under `tmp` unless a URL is given), schema built."""
    from tests.conftest import _test_config, build_database

    config = _test_config(tmp, database_url or f"sqlite:///{tmp / (name + '.db')}")
    config.update(overrides)
    app = create_app(config)
    build_database(app)
    return app


class Server:
    """Werkzeug's threaded server on 127.0.0.1 (a thread per request, as every real threaded server has);
    stopped by the test."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


class Client:
    """One browser: keeps its cookies, never follows redirects, reads CSRF tokens from forms."""

    def __init__(self, base_url: str, timeout: float = 60):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            headers = {}
            body = None
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if data is not None:
                body = urlencode(data, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            return response.status, dict(response.headers.items()), text
        finally:
            conn.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict | None = None):
        return self.request("POST", path, data or {})

    def csrf(self, path: str) -> str:
        status, _, page = self.get(path)
        match = CSRF.search(page)
        if match is None:
            raise AssertionError(f"no CSRF token on {path} ({status})")
        return match.group(1)

    def sign_in(self, email: str, password: str) -> int:
        token = self.csrf("/sign-in")
        status, _, _ = self.post("/sign-in", {"csrf_token": token, "email": email, "password": password})
        return status


def together(jobs, workers: int | None = None) -> list:
    """Run the callables at the same moment (a barrier releases them together); their results, in order.
    An exception in a job is returned as its result, so the test sees every outcome."""
    jobs = list(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=60)
        try:
            return job()
        except Exception as exc:  # noqa: BLE001  (the test asserts on it)
            return exc

    with ThreadPoolExecutor(max_workers=workers or len(jobs)) as pool:
        return list(pool.map(run, jobs))


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
