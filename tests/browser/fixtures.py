"""Browser-test fixtures: a live app on 127.0.0.1 with its own database, Debian's Chromium driven by Playwright,
and an axe-core scan (WCAG 2.2 A and AA) of every page a test visits."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from flask import request_finished
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from equiptrain import create_app
from equiptrain.extensions import db

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    from tests.conftest import _run_background, _test_config, build_database, database_url_for, dispose

    tmp = tmp_path_factory.mktemp("browser")
    config = _test_config(tmp, database_url_for(tmp, "equiptrain_browser"))
    config["WTF_CSRF_ENABLED"] = True
    # A real server: jobs wait in a SQLite huey queue, drained at the end of each request in the request's own
    # thread. (A consumer thread polling beside the server wrote to SQLite between a test's own reads and writes,
    # which SQLite refuses as a stale snapshot: "database is locked".)
    config["JOBS_URL"] = f"sqlite:///{tmp / 'jobs.db'}"
    app = create_app(config)
    request_finished.connect(_run_background, app)
    build_database(app)
    yield app
    dispose(app)


@pytest.fixture(scope="session")
def live_server(live_app):
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_db(live_app):
    """An app context on the live app's database; what a test adds here is committed for the browser to see."""
    with live_app.app_context():
        yield db
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        # Never skip: CI must run the browser tests. `.ci/run` and `make test` install Chromium.
        raise RuntimeError("Chromium is not installed: run `apt-get install -y chromium` (make test does this)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _page(url: str) -> str:
    return url.split("#", 1)[0]  # a jump to an anchor is the same page


class Browsing:
    """A browser tab that scans each page it lands on with axe-core and fails on any violation."""

    def __init__(self, page, base_url: str, axe):
        self.page, self.base_url, self.axe = page, base_url, axe
        self.visited: list[str] = []
        self.scanned: set[str] = set()
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(_page(frame.url)))

    def goto(self, path: str, *, scan: bool = True):
        response = self.page.goto(self.base_url + path)
        if scan:
            self.scan()
        return response

    def scan(self):
        """Run axe on the page once it has loaded; fail with the rule, element and help text of each violation.

        A click on a submit button returns before the browser has left the page, so the scan can start on the old
        page and have its document replaced under it. When a navigation happened during the scan, the scan is of
        nothing: it waits for the new page and scans that. Any other failure is raised."""
        for _ in range(3):
            self.page.wait_for_load_state()
            navigations = len(self.visited)
            try:
                results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
                break
            except PlaywrightError:
                self.page.wait_for_load_state()  # also lets the navigation's event arrive
                if len(self.visited) == navigations:
                    raise
        else:
            pytest.fail(f"the page kept navigating while it was being scanned: {self.page.url}")
        violations = results.response["violations"]
        self.scanned.add(_page(self.page.url))
        if violations:
            lines = [
                f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
                for v in violations
            ]
            pytest.fail(f"axe violations on {self.page.url}:\n" + "\n".join(lines))

    def sign_in(self, email: str, password: str):
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.scan()  # waits for the page it lands on

    def nav(self, name: str):
        """Follow a link in the header's navigation, opening its "More" menu first when the header has moved the
        link there (a person with many roles has more links than fit on one line)."""
        link = self.page.get_by_role("link", name=name, exact=True).first
        if not link.is_visible():
            self.page.locator(".nhsuk-header__menu-toggle").click()
        link.click()

    def unscanned(self) -> list[str]:
        return [u for u in dict.fromkeys(self.visited) if u not in self.scanned and u.startswith(self.base_url)]


@pytest.fixture
def browse(browser, live_server, axe):
    """Open a fresh browser context (no cookies) on the live server: `browse()` or `browse({"width": 320, ...})`.
    At the end of the test, every page any of them visited must have been scanned."""
    opened: list[tuple] = []

    def new(viewport=None) -> Browsing:
        context = browser.new_context(viewport=viewport or {"width": 1024, "height": 800})
        tab = Browsing(context.new_page(), live_server.url, axe)
        opened.append((context, tab))
        return tab

    yield new
    missed = [u for _, tab in opened for u in tab.unscanned()]
    for context, _ in opened:
        context.close()
    assert not missed, f"pages visited without an accessibility scan: {missed}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).parent.name == "browser":
            item.add_marker(pytest.mark.browser)
