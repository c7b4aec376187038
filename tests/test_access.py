"""Every route, walked as anonymous, learner, trainer, manager, admin, platform admin and a workshop guest."""

from __future__ import annotations

import pytest
from flask import url_for

from equiptrain.accounts.invitations import queue_invitations
from tests.access import GUEST_OPENS, NOT_WALKED, PRIVATE, PUBLIC, ROUTES, SIGNED_IN, SIGNED_OUT
from tests.accounts.sso_support import access_world as sso_access_world
from tests.builders import ROLES
from tests.careaudit.helpers import access_world as careaudit_access_world
from tests.certificates.helpers import access_world as certificates_access_world
from tests.guests.helpers import access_world as guests_access_world
from tests.jobs.helpers import jobs_access_world
from tests.learning.helpers import sync_small_course
from tests.records.helpers import access_world as records_access_world
from tests.reflection.helpers import access_world as reflection_access_world
from tests.reviews.helpers import access_world as reviews_access_world
from tests.workshops.helpers import access_world as workshops_access_world

WHO = ("anonymous",) + ROLES + ("guest",)


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(ROUTES) - set(NOT_WALKED)
    assert not missing, f"add these routes to tests/access.py: {sorted(missing)}"
    stale = (set(ROUTES) | set(NOT_WALKED)) - endpoints
    assert not stale, f"tests/access.py names routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(build, tmp_path):
    """One organisation with a team; each role held by a different person in it."""
    sync_small_course(tmp_path / "course")  # the learner pages need a course
    org = build.org()
    team = build.team(org)
    people = {
        "learner": build.user("learner", team=team),
        "trainer": build.user("trainer", org=org),
        "manager": build.user("manager", team=team),
        "admin": build.user("admin", org=org),
        "programme_lead": build.user("programme_lead", team=team),  # a lead is on the staff of a team too
        "platform_admin": build.user("platform_admin"),
    }
    world = {"org": org, "team": team, **people}
    world["invitations"] = queue_invitations(people["admin"], org, [people["learner"]])
    world.update(workshops_access_world(build, world))
    world.update(reflection_access_world(world))
    world.update(guests_access_world(build, world))
    world.update(careaudit_access_world(build, world))
    world.update(reviews_access_world(build, world))
    world.update(certificates_access_world(world))
    world.update(records_access_world(world))
    world.update(sso_access_world(world))
    world.update(jobs_access_world(world))
    return world


def _expected(access, who: str, endpoint: str) -> int:
    if access == PUBLIC:
        return 200
    if access == SIGNED_OUT:
        return 200 if who == "anonymous" else 302
    if who == "anonymous":
        return 302
    if who == "guest":
        return GUEST_OPENS.get(endpoint, 403)
    if access == SIGNED_IN or who in access:
        return 200
    return 403


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_access(app, client, login, world, endpoint, who):
    access, kwargs, method = ROUTES[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **(kwargs(world) if kwargs else {}))
    if who != "anonymous":
        login(world[who])
    response = client.open(url, method=method)
    expected = _expected(access, who, endpoint)
    if expected == 403 and endpoint in PRIVATE and who != "guest":  # a guest is stopped before the view
        expected = 404
    if method == "POST" and expected == 200:
        assert response.status_code in (200, 302, 400), (endpoint, who, response.status_code)
        return
    assert response.status_code == expected, (endpoint, who, response.status_code)
    if expected == 302:
        assert response.headers["Location"].startswith("/sign-in" if who == "anonymous" else "/")
    if who == "guest" and endpoint == "accounts.home":
        assert response.headers["Location"] == f"/workshops/{world['workshop'].id}"
