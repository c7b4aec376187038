"""Issue 24 item 4: an id never reveals that something exists. Someone from another organisation gets exactly what
they get for a missing row (404) on workshops, teams, dashboards, audit rounds, people and certificates; a
learner the same on someone else's certificate."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.builders import ROLES
from tests.test_access import world  # noqa: F401  (the walk's organisation, with a workshop, round, certificate...)

MISSING = 999_999

# endpoint -> the URL arguments, given the world and an id to put in place of the object's
PAGES = {
    "workshops.detail": lambda w, i: {"workshop_id": i(w["workshop"])},
    "workshops.edit": lambda w, i: {"workshop_id": i(w["workshop"])},
    "workshops.ics": lambda w, i: {"workshop_id": i(w["workshop"])},
    "accounts.team": lambda w, i: {"team_id": i(w["team"])},
    "accounts.invite_to_team": lambda w, i: {"team_id": i(w["team"])},
    "dashboards.team": lambda w, i: {"team_id": i(w["team"])},
    "dashboards.team_export": lambda w, i: {"team_id": i(w["team"]), "fmt": "csv"},
    "careaudit.team": lambda w, i: {"team_id": i(w["team"])},
    "careaudit.report": lambda w, i: {"team_id": i(w["team"])},
    "careaudit.round": lambda w, i: {"team_id": w["team"].id, "round_id": i(w["audit_round"])},
    "supervision.team": lambda w, i: {"team_id": i(w["team"])},
    "accounts.person": lambda w, i: {"user_id": i(w["learner"])},
    "certificates.manage": lambda w, i: {"certificate_id": i(w["certificate"])},
    "certificates.download": lambda w, i: {"certificate_id": i(w["certificate"])},
    "certificates.team_zip": lambda w, i: {"team_id": i(w["team"])},
}


@pytest.fixture
def outsiders(build, world):  # noqa: F811
    """One person per role in another organisation (and the platform admin is everyone's, so not an outsider)."""
    org = build.org()
    team = build.team(org)
    people = {role: build.user(role, team=team if role in ("learner", "manager") else None, org=org) for role in ROLES}
    people.pop("platform_admin")
    return people


@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_an_outsider_is_answered_as_for_a_missing_row(app, client, login, world, outsiders, endpoint):  # noqa: F811
    with app.test_request_context():
        existing = url_for(endpoint, **PAGES[endpoint](world, lambda obj: obj.id))
        missing = url_for(endpoint, **PAGES[endpoint](world, lambda obj: MISSING))
    for who, person in outsiders.items():
        login(person)
        got, baseline = client.get(existing).status_code, client.get(missing).status_code
        assert got == baseline, (endpoint, who, got, baseline)
        assert got in (403, 404), (endpoint, who, got)  # refused either by role (403) or as missing (404)


def test_a_learner_gets_404_for_someone_elses_certificate(build, client, login, world):  # noqa: F811
    login(build.user("learner", team=build.team(world["org"])))  # same organisation, another team
    assert client.get(f"/certificates/{world['certificate'].id}.pdf").status_code == 404
    assert client.get(f"/certificates/{MISSING}.pdf").status_code == 404
    login(world["learner"])
    assert client.get(f"/certificates/{world['certificate'].id}.pdf").status_code == 200
