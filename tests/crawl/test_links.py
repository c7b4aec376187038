"""No page links to a page its viewer cannot open: the demo trust is loaded, each demo person signs in, and every
page reachable from their home page is fetched; a same-site link that answers 403 or 404 fails the test."""

from __future__ import annotations

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


def crawl(client, start: str = "/") -> tuple[int, list[tuple[str, str, int]]]:
    """Fetch every page reachable from `start`; returns how many, and (linked from, link, status) for each
    link that answers 403 or 404."""
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
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
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


def test_no_page_links_to_a_page_its_viewer_cannot_open(client, login, demo):
    problems = []
    for role, person in demo.items():
        assert person is not None, role
        login(person)
        pages, broken = crawl(client)
        assert pages > 5, role
        problems += [f"{role}: {source} links to {link} ({status})" for source, link, status in broken]
    assert not problems, "\n".join(problems)
