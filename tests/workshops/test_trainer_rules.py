"""Trainer rules: the train-the-trainers record and the publish override it asks for, the warning beside the
facilitators field on saving, and the console's rules for role-play rounds."""

from __future__ import annotations

import datetime as dt

import pytest

from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers import services as trainer_services
from equiptrain.trainers.models import TrainerKind, TrainerTraining
from equiptrain.workshops import attendance, roleplay, services
from equiptrain.workshops.models import AttendanceStatus, CoDeliveryOverride, WorkshopStatus
from tests.workshops.helpers import make_workshop

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


def _pair(build, org):
    return build.user("trainer", org=org), build.user("trainer", org=org, trainer_kind=TrainerKind.CARER)


def test_an_untrained_lived_experience_trainer_needs_a_written_override(build):
    org = build.org()
    pro, carer = _pair(build, org)
    admin = build.user("admin", org=org)
    w = make_workshop(build, org=org, facilitators=[pro, carer], publish=False, trained=False, admin=admin)
    assert services.publish_gaps(w) == [f"completed train-the-trainers for {carer.name}"]
    with pytest.raises(ServiceError, match="train-the-trainers"):
        services.publish(admin, w)
    services.publish(admin, w, "Their course is booked for next month; they co-delivered with Nia twice.")
    override = db.session.query(CoDeliveryOverride).filter_by(workshop_id=w.id).one()
    assert "train-the-trainers" in override.missing and w.status is WorkshopStatus.PUBLISHED


def test_a_completed_training_needs_no_override(build):
    org = build.org()
    pro, carer = _pair(build, org)
    admin = build.user("admin", org=org)
    trainer_services.save_training(
        admin,
        carer.trainer_profile,
        completed_on=utcnow().date() - dt.timedelta(days=3),
        sessions_shadowed=2,
        preparation="Read the module 5 role plays; briefing call booked.",
    )
    w = make_workshop(build, org=org, facilitators=[pro, carer], publish=False, trained=False, admin=admin)
    assert services.publish_gaps(w) == []
    services.publish(admin, w)
    assert not w.overrides


def test_training_records_are_checked(build):
    org = build.org()
    pro, carer = _pair(build, org)
    admin = build.user("admin", org=org)
    with pytest.raises(ServiceError, match="lived-experience trainers"):
        trainer_services.save_training(
            admin, pro.trainer_profile, completed_on=None, sessions_shadowed=0, preparation=""
        )
    with pytest.raises(ServiceError, match="future"):
        trainer_services.save_training(
            admin,
            carer.trainer_profile,
            completed_on=utcnow().date() + dt.timedelta(days=2),
            sessions_shadowed=0,
            preparation="",
        )
    # Not completed yet: recorded, and publishing still asks for a reason.
    trainer_services.save_training(admin, carer.trainer_profile, completed_on=None, sessions_shadowed=1, preparation="")
    w = make_workshop(build, org=org, facilitators=[pro, carer], publish=False, trained=False, admin=admin)
    assert services.untrained(w) == [carer]


def test_the_trainer_page_records_the_training(build, client, login):
    org = build.org()
    _, carer = _pair(build, org)
    admin = build.user("admin", org=org)
    login(admin)
    page = client.get(f"/admin/trainers/{carer.id}").get_data(as_text=True)
    assert "Not completed yet." in page
    client.post(
        f"/admin/trainers/{carer.id}",
        data={
            "action": "training",
            "training-completed_on": "2026-01-12",
            "training-sessions_shadowed": "3",
            "training-preparation": "Shadowed two cores; prepared the carer scenarios.",
        },
    )
    row = db.session.query(TrainerTraining).filter_by(trainer_profile_id=carer.trainer_profile.id).one()
    assert (row.completed_on, row.sessions_shadowed) == (dt.date(2026, 1, 12), 3)
    bad = client.post(f"/admin/trainers/{carer.id}", data={"action": "training", "training-sessions_shadowed": "-1"})
    assert "Enter a number of workshops from 0 to 200" in bad.get_data(as_text=True)


def test_saving_without_a_lived_experience_trainer_warns_beside_the_field(build, client, login):
    team = build.team()
    admin = build.user("admin", org=team.organisation)
    pro, carer = _pair(build, team.organisation)
    login(admin)
    data = {
        "title": "Core",
        "kind": "core",
        "starts_at": "2030-03-14T09:30",
        "ends_at": "2030-03-14T16:30",
        "room": "Room 2",
        "capacity": "20",
        "teams": [str(team.id)],
        "facilitators": [str(pro.id)],
        "org": str(team.organisation_id),
        "confirm_unprepared": "y",
    }
    response = client.post("/workshops/new", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("#facilitators-warning")
    page = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    warning = page.index('id="facilitators-warning"')
    assert "No lived-experience trainer" in page[warning:] and warning < page.index('name="facilitators"')
    with_carer = client.post("/workshops/new", data={**data, "facilitators": [str(pro.id), str(carer.id)]})
    assert "#facilitators-warning" not in with_carer.headers["Location"]


def _room(build, n=5, starts_in=dt.timedelta(hours=-1), **kw):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(n)]
    w = make_workshop(build, teams=[team], starts_in=starts_in, **kw)
    return w, people, w.facilitators[0].user


def test_no_new_rounds_once_the_register_is_signed_off(build):
    w, people, facilitator = _room(build)
    attendance.mark(facilitator, w, {p.id: P for p in people})
    scenario = roleplay.scenarios_for(w)[0]
    roleplay.start_round(facilitator, w, scenario)
    roleplay.end_round(facilitator, w)
    attendance.sign_off(facilitator, w)
    with pytest.raises(ServiceError, match="signed off"):
        roleplay.start_round(facilitator, w, scenario)


def test_role_play_goes_on_into_the_second_day(build):
    w, people, facilitator = _room(build, days=2, days_apart=1, starts_in=dt.timedelta(hours=-30))
    scenario = roleplay.scenarios_for(w)[0]
    attendance.mark(facilitator, w, {p.id: P for p in people}, w.sessions[0])
    attendance.sign_off(facilitator, w, w.sessions[0])
    assert roleplay.present_people(w) == []  # nobody is marked for day two yet
    attendance.mark(facilitator, w, {p.id: P for p in people[:3]}, w.sessions[1])
    round_ = roleplay.start_round(facilitator, w, scenario)
    assert {a.user_id for g in round_.groups for a in g.assignments} == {p.id for p in people[:3]}


def test_groups_leave_out_the_absent_and_those_without_an_activated_account(build):
    w, people, facilitator = _room(build, n=6)
    invited_only = people[0]
    invited_only.password_hash = None  # invited, never set a password
    db.session.flush()
    attendance.mark(facilitator, w, {**{p.id: P for p in people}, people[1].id: A})
    round_ = roleplay.start_round(facilitator, w, roleplay.scenarios_for(w)[0])
    grouped = {a.user_id for g in round_.groups for a in g.assignments}
    assert grouped == {p.id for p in people[2:]}
