"""Beyond the known cases: generated values posted to every form, as every role, never give a 500.

Every page in tests/access.py is opened as each role, and every POST form on it is collected with its fields and
their current values (the ids it carries, the choices it offers). Hypothesis then posts each form back as the
role that saw it, with one to three fields changed to hostile or odd values: blank and white space, huge and
negative numbers, ids from elsewhere, formula text, control characters, long strings, impossible dates, several
values for one name, and now and then a field no form has. The rest stay valid, so the post gets past the first
check and into the code that parses and saves. Hypothesis is derandomised and bounded, so every run is the same
and takes seconds of CPU.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import ROUTES
from tests.test_access import world  # noqa: F401  (the fixture)

ROLES = ["learner", "manager", "trainer", "admin", "platform_admin"]
HOSTILE = [
    "",
    " ",
    "\t",
    "\r\n",
    "0",
    "-1",
    "1e3",
    "nan",
    "inf",
    "99999999999999999999999999",
    "2147483648",
    "=1+1",
    "+44",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "'; DROP TABLE users; --",
    "x" * 5000,
    "2026-02-31",
    "2026-03-14",
    "2026-03-14T09:30",
    "14/03/2026",
    "yes",
    "no",
    "y",
    "on",
    "remove",
    "core",
    "carer",
    "nurse",
    "member",
    "manager",
    "participatory",
    "5",
    "../../etc/passwd",
    "\u202etxt.exe",
    "é" * 300,
    "a\x00b",
    "9999-12-31",
    "Supervision 2\r\nBcc: x@evil.example",
]
# Values that once gave a 500 somewhere (white space in a select, an id past the database's integer, text past a
# column, a NUL that PostgreSQL refuses): every field of every form gets each of them.
# Issue 24 added a date whose plan runs past the calendar and a line break that became a mail header.
SWEEP = [" ", "99999999999999999999999999", "x" * 5000, "a\x00b", "9999-12-31", "Supervision 2\r\nBcc: x@evil.example"]
SKIP_ACTIONS = {"/sign-out"}  # ends the session, nothing to fuzz
EXTRA_NAMES = ["action", "org", "team", "trainer_kind", "follow_up_of", "unit_id", "workshop_id", "status"]


class _Forms(HTMLParser):
    """The POST forms on a page: (action, {name: [values]}) with each field's current value(s)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action") or "", self._fields))
        if self._fields is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._fields.setdefault(name, [])
                if "checked" in a:
                    self._fields[name].append(a.get("value") or "on")
            elif kind not in ("submit", "button", "file"):
                self._fields[name] = [a.get("value") or ""]
        elif tag == "select":
            self._select = name
            self._fields[name] = []
        elif tag == "option" and self._select and ("selected" in a or not self._fields[self._select]):
            self._fields[self._select] = [a.get("value") or ""]
        elif tag == "textarea":
            self._textarea = name
            self._fields[name] = [""]

    def handle_data(self, data):
        if self._fields is not None and self._textarea:
            self._fields[self._textarea] = [self._fields[self._textarea][0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _collect_forms(app, client, login, people) -> list[tuple[tuple[str, ...], str, dict[str, list[str]]]]:
    """(roles that see it, action URL, fields) for every distinct POST form on every page of the walk."""
    with app.test_request_context():
        pages = sorted(
            {url_for(e, **(kw(people) if kw else {})) for e, (_a, kw, method) in ROUTES.items() if method == "GET"}
        )
    found: dict[tuple[str, tuple], tuple[list[str], dict]] = {}
    for who in ROLES:
        login(people[who])
        for page in pages:
            response = client.get(page)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            parser = _Forms()
            parser.feed(response.get_data(as_text=True))
            for action, fields in parser.forms:
                target = urlsplit(urljoin(page, action or page))
                if target.path in SKIP_ACTIONS:
                    continue
                url = target.path + (f"?{target.query}" if target.query else "")
                found.setdefault((url, tuple(sorted(fields))), ([], fields))[0].append(who)
    return [(tuple(roles), url, fields) for (url, _names), (roles, fields) in sorted(found.items())]


def _value() -> st.SearchStrategy:
    one = st.one_of(
        st.sampled_from(HOSTILE), st.text(max_size=30), st.integers(min_value=-(2**70), max_value=2**70).map(str)
    )
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


@st.composite
def _post(draw, forms):
    roles, url, fields = draw(st.sampled_from(forms))
    data = {name: list(values) for name, values in fields.items()}
    names = sorted(set(fields) | set(EXTRA_NAMES))
    for name in draw(st.sets(st.sampled_from(names), min_size=1, max_size=3)):
        value = draw(_value())
        data[name] = value if isinstance(value, list) else [value]
    return draw(st.sampled_from(roles)), url, data


@pytest.fixture
def forms(app, client, login, world):  # noqa: F811
    found = _collect_forms(app, client, login, world)
    assert len(found) > 30 and {who for roles, _url, _f in found for who in roles} == set(ROLES)
    return found


def test_every_field_of_every_form_refuses_the_known_hostile_values(client, login, world, forms):  # noqa: F811
    failures = []
    for roles, url, fields in forms:
        login(world[roles[0]])
        for name in fields:
            for value in SWEEP:
                response = client.post(url, data={**fields, name: value})
                if response.status_code >= 500:
                    failures.append(f"{roles[0]} POST {url} {name}={value[:30]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_generated_form_posts_never_fail(client, login, world, forms):  # noqa: F811
    @settings(
        max_examples=250,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(_post(forms))
    def post(example):
        who, url, data = example
        login(world[who])
        response = client.post(url, data=data)
        assert response.status_code < 500, (who, url, data, response.status_code)

    post()
