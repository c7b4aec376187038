"""Live role play: rounds from those present, brief privacy, observer feedback to the practitioner only."""

from __future__ import annotations

import datetime as dt

import pytest

from equiptrain.accounts.models import Profession
from equiptrain.content.models import Scenario
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops import attendance, roleplay
from equiptrain.workshops.models import AttendanceStatus, ObserverFeedback, Role
from tests.workshops.helpers import make_workshop


def _running(build, n=8):
    team = build.team()
    professions = list(Profession)
    people = [build.user("learner", team=team, profession=professions[i % 4]) for i in range(n)]
    w = make_workshop(build, teams=[team], starts_in=dt.timedelta(hours=-1))
    facilitator = w.facilitators[0].user
    attendance.mark(facilitator, w, {p.id: AttendanceStatus.PRESENT for p in people})
    scenario = roleplay.scenarios_for(w)[0]
    round_ = roleplay.start_round(facilitator, w, scenario)
    db.session.commit()
    return w, people, facilitator, round_


def test_round_gives_everyone_present_one_role(build):
    w, people, facilitator, round_ = _running(build, n=7)
    assigned = [a.user_id for g in round_.groups for a in g.assignments]
    assert sorted(assigned) == sorted(p.id for p in people)
    assert all(3 <= len(g.assignments) <= 4 for g in round_.groups)
    with pytest.raises(ServiceError, match="End it"):
        roleplay.start_round(facilitator, w, round_.scenario)
    roleplay.end_round(facilitator, w)
    second = roleplay.start_round(facilitator, w, round_.scenario)
    first_practitioners = {a.user_id for g in round_.groups for a in g.assignments if a.role is Role.PRACTITIONER}
    second_practitioners = {a.user_id for g in second.groups for a in g.assignments if a.role is Role.PRACTITIONER}
    assert not first_practitioners & second_practitioners  # rotation


def test_start_round_needs_three_present_and_a_workshop_scenario(build):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(2)]
    w = make_workshop(build, teams=[team], starts_in=dt.timedelta(hours=-1))
    facilitator = w.facilitators[0].user
    attendance.mark(facilitator, w, {p.id: AttendanceStatus.PRESENT for p in people})
    with pytest.raises(ServiceError, match="at least 3"):
        roleplay.start_round(facilitator, w, roleplay.scenarios_for(w)[0])
    other = make_workshop(build)
    with pytest.raises(ServiceError, match="scenario"):
        roleplay.start_round(facilitator, w, roleplay.scenarios_for(other)[0])


def test_each_participant_reads_only_their_own_brief(build, client, login):
    w, people, facilitator, round_ = _running(build)
    secrets = {
        "practitioner": "PRACTITIONER-SECRET",
        "service_user": "SERVICE-USER-SECRET",
        "carer": "CARER-SECRET",
        "observer": "OBSERVER-SECRET",
    }
    for person in people:
        mine = roleplay.assignment(person, round_)
        login(person)
        page = client.get(f"/workshops/{w.id}/roleplay").get_data(as_text=True)
        assert mine.role.label.lower() in page
        assert not any(secret in page for secret in secrets.values())
        for role, secret in secrets.items():
            response = client.get(f"/workshops/{w.id}/rounds/{round_.id}/brief/{role}")
            if role == mine.role.value:
                assert response.status_code == 200 and secret in response.get_data(as_text=True)
            else:
                assert response.status_code == 403
                assert secret not in response.get_data(as_text=True)
    login(facilitator)
    assert client.get(f"/workshops/{w.id}/rounds/{round_.id}/brief/carer").status_code == 200
    login(build.user("learner"))  # another organisation: its workshop answers as a missing one
    assert client.get(f"/workshops/{w.id}/rounds/{round_.id}/brief/observer").status_code == 404


def test_observer_feedback_goes_to_the_practitioner_only(build, client, login):
    w, people, facilitator, round_ = _running(build)
    group = round_.groups[0]
    by_role = {a.role: a.user for a in group.assignments}
    observer, practitioner = by_role[Role.OBSERVER], by_role[Role.PRACTITIONER]
    login(by_role[Role.SERVICE_USER])
    assert client.get(f"/workshops/{w.id}/rounds/{round_.id}/observe").status_code == 403
    login(observer)
    client.post(
        f"/workshops/{w.id}/rounds/{round_.id}/observe",
        data={"checklist": ["asks"], "comments": "You checked with Rhys first: well done."},
    )
    feedback = db.session.query(ObserverFeedback).one()
    assert feedback.practitioner_id == practitioner.id and feedback.checklist == {"asks": True, "next-step": False}
    login(practitioner)
    page = client.get(f"/workshops/{w.id}/roleplay").get_data(as_text=True)
    assert "You checked with Rhys first" in page
    assert f"/reflection/new?observer_feedback={feedback.id}" in page
    for other in (by_role[Role.SERVICE_USER], observer):
        login(other)
        assert "You checked with Rhys first" not in client.get(f"/workshops/{w.id}/roleplay").get_data(as_text=True)
    login(facilitator)
    console = client.get(f"/workshops/{w.id}/console").get_data(as_text=True)
    assert "observer feedback sent" in console and "What helped the carer feel heard?" in console
    assert "You checked with Rhys first" not in console


def test_console_shows_the_agenda_and_timer_without_javascript(build, client, login):
    w, people, facilitator, round_ = _running(build)
    login(facilitator)
    page = client.get(f"/workshops/{w.id}/console?step=2").get_data(as_text=True)
    assert "Unit of module" in page and "Planned: 15:00" in page
    unit = w.modules[0].units[0]
    assert "Unit body" in client.get(f"/workshops/{w.id}/present/{unit.id}").get_data(as_text=True)
    assert db.session.get(Scenario, round_.scenario_id).kind == "roleplay"
