"""Where a learner page's time goes: each page called in-process (no server, no network), best of 20 rounds.

The gunicorn benchmark (learning_pages.py) says how fast the pages are served; this one says which layer costs
what, by comparing pages that add one layer at a time:

  bare Flask endpoint      Flask alone
  /about, signed out       our request cycle (session cookie, security headers) and the page layout
  /about, signed in        + loading the signed-in person (one query) and their header
  unit page                + the learner's state (one query) and the unit's template
  My programme             + progress (two queries) and six module cards

Run it with `.venv/bin/python -m benchmarks.request_costs`. Figures are milliseconds per request on one core.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from werkzeug.test import EnvironBuilder

from benchmarks.learning_pages import prepare

ROUNDS, PER_ROUND = int(os.environ.get("COST_ROUNDS", 20)), int(os.environ.get("COST_PER_ROUND", 300))


def per_request_ms(app: Flask, environs: list[dict]) -> float:
    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(f"{status} from {environs[0]['PATH_INFO']}: the figure would be for the wrong page")

    for environ in environs[:20]:  # warm up: templates compiled, caches filled
        b"".join(app(dict(environ), start_response))
    best = float("inf")
    for _ in range(ROUNDS):
        batch = [dict(e) for e in environs]
        started = time.perf_counter()
        for environ in batch:
            b"".join(app(environ, start_response))
        best = min(best, (time.perf_counter() - started) / len(batch))
    return best * 1000


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="equiptrain-costs-"))
    try:
        cookie, unit_path, _ = prepare(tmp / "instance")
        os.environ["EQUIPTRAIN_SYNC_CONTENT_ON_SERVE"] = "false"
        from benchmarks.bare_app import app as bare
        from equiptrain import create_app

        app = create_app()

        def environs(path: str, signed_in: bool = True) -> list[dict]:
            headers = {"Cookie": f"session={cookie}"} if signed_in else {}
            return [EnvironBuilder(path=path, headers=headers).get_environ()] * PER_ROUND

        rows = [
            ("bare Flask endpoint", bare, environs("/", False)),
            ("/about, signed out", app, environs("/about", False)),
            ("/about, signed in", app, environs("/about")),
            ("unit page", app, environs(unit_path)),
            ("My programme", app, environs("/programme")),
        ]
        print(f"in-process, best of {ROUNDS} rounds of {PER_ROUND} requests")
        for name, target, batch in rows:
            print(f"{name:<22}{per_request_ms(target, batch):>8.3f} ms")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
