"""A real learning record store for the tests: ralph (`ralph-malph`), run from .venv-lrs on 127.0.0.1 with a file
backend. It validates every statement, so a malformed one fails the tests. `scripts/lrs-venv` creates the venv."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests import servers

ROOT = Path(__file__).resolve().parents[2]
RALPH = ROOT / ".venv-lrs" / "bin" / "ralph"
USER, PASSWORD = "equiptrain", "lrs-test-password"


@dataclass
class Lrs:
    root: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def store(self) -> Path:
        return self.root / "statements"

    def env(self) -> dict:
        return {
            **os.environ,
            "RALPH_APP_DIR": str(self.root / "app"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.store),
        }

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(RALPH.parent / "python"), str(Path(__file__).with_name("ralph_server.py")), str(self.port)],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("ralph stopped while starting")
            try:
                requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("ralph did not start within a minute")

    def stop(self) -> None:
        if self.process is not None:
            servers.stop(self.process)
        self.process = None

    def statements(self) -> list[dict]:
        """Every statement the LRS holds, through its own API (following `more` links)."""
        found: list[dict] = []
        url = f"http://127.0.0.1:{self.port}/xAPI/statements?limit=500"
        while url:
            response = requests.get(
                url, auth=(USER, PASSWORD), headers={"X-Experience-API-Version": "1.0.3"}, timeout=10
            )
            response.raise_for_status()
            body = response.json()
            found += body["statements"]
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found

    def raw_store(self) -> str:
        """Everything the LRS wrote to disk, as text (for the crawl for reflective text)."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.store.rglob("*")) if p.is_file())


def start_lrs(root: Path) -> Lrs:
    if not RALPH.exists():
        subprocess.run([str(ROOT / "scripts" / "lrs-venv")], check=True)
    lrs = Lrs(root, servers.free_port())
    (root / "app").mkdir(parents=True, exist_ok=True)
    lrs.store.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(RALPH), "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-A", "lrs-admin", "https://example.org", "-w"],
        env=lrs.env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lrs.start()
    return lrs
