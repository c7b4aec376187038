"""`equiptrain serve` runs a production server (gunicorn's threaded worker), says where it is serving, and
refuses several workers without a shared rate-limit store."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from equiptrain.extensions import db
from tests.builders import Builders
from tests.live import Client, dispose, own_app
from tests.servers import ROOT, free_port, stop

pytestmark = pytest.mark.own_database


def _serve(tmp_path, *args) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "EQUIPTRAIN_INSTANCE_PATH": str(tmp_path / "instance"),
        "EQUIPTRAIN_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "EQUIPTRAIN_SECRET_KEY": "k" * 32,
        "EQUIPTRAIN_SYNC_CONTENT_ON_SERVE": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from equiptrain.cli import main; main()", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return process, port


def test_serve_runs_gunicorn_and_says_where(tmp_path):
    app = own_app(tmp_path, "serve", database_url=f"sqlite:///{tmp_path / 'serve.db'}")
    with app.app_context():
        Builders().user()  # not empty: no demo to load
        db.session.remove()
    dispose(app)
    process, port = _serve(tmp_path)
    lines = []
    try:
        for line in process.stdout:  # bounded by the process: it stops when we stop it
            lines.append(line)
            if "Booting worker" in line:
                break
        assert Client(f"http://127.0.0.1:{port}").get("/sign-in")[0] == 200
    finally:
        stop(process)
        lines.append(process.stdout.read())
        process.stdout.close()
    output = "".join(lines)
    assert f"EquipTrain is serving on http://127.0.0.1:{port}/ with gunicorn (1 worker(s) x 8 threads" in output
    assert "Using worker: gthread" in output
    assert "development server" not in output


def test_serve_refuses_several_workers_without_a_shared_store(tmp_path):
    process, _ = _serve(tmp_path, "--workers", "2")
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        stop(process)
        process.stdout.close()
    assert process.returncode != 0
    assert "--workers above 1 needs a rate-limit store the workers share" in output
