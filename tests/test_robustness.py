"""Bad input never gives a 500: every route, for every role, with junk in the query string and in a form."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask import url_for

from tests.access import ROUTES
from tests.test_access import world  # noqa: F401  (the fixture)

JUNK = {
    "q": "'; DROP TABLE users; --",
    "page": "-1",
    "org": "abc",
    "team": "99999999999999999999",
    "module": "../../etc",
    "prompt": "<script>",
    "next": "//evil.example",
    "template": "nope",
    "phase": "sideways",
    "date": "31/02/2026",
    "window_end": "not a date",
    "workshop": "x",
}
FORM = {
    "name": "",
    "email": "not-an-email",
    "profession": "astronaut",
    "title": "x" * 5000,
    "capacity": "-4",
    "starts_at": "yesterday",
    "hours": "lots",
    "team": "0",
    "team_role": "king",
    "trainer_kind": "wizard",
    "reply": "maybe",
    "status": "flying",
    "answers": "{",
    "csrf_token": "junk",
}


@pytest.mark.parametrize("who", ["learner", "manager", "trainer", "admin"])
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_no_route_fails_on_junk(app, client, login, world, endpoint, who):  # noqa: F811
    _access, kwargs, method = ROUTES[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **(kwargs(world) if kwargs else {}))
    login(world[who])
    url += ("&" if "?" in url else "?") + urlencode(JUNK)
    assert client.get(url).status_code < 500, url
    assert client.post(url, data=FORM).status_code < 500, url
