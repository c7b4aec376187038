"""Issue 24 item 7: the register, self check-in and the console's role play open on the day of the session, never
before it."""

from __future__ import annotations

import datetime as dt

import pytest

from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops import attendance, roleplay
from equiptrain.workshops.models import Attendance, AttendanceStatus
from tests.workshops.helpers import make_workshop

P = AttendanceStatus.PRESENT


def _month_away(build):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(4)]
    workshop = make_workshop(build, teams=[team], starts_in=dt.timedelta(days=30))
    return workshop, people


def test_the_register_of_a_workshop_a_month_away_is_refused(build, client, login):
    workshop, people = _month_away(build)
    trainer = workshop.facilitators[0].user
    with pytest.raises(ServiceError, match="opens on that day"):
        attendance.mark(trainer, workshop, {people[0].id: P})
    login(trainer)
    response = client.post(f"/workshops/{workshop.id}/register", data={f"person-{people[0].id}": "present"})
    assert response.status_code == 200 and "opens on that day" in response.get_data(as_text=True)
    assert db.session.query(Attendance).count() == 0


def test_check_in_and_role_play_are_refused_before_the_day(build):
    workshop, people = _month_away(build)
    trainer = workshop.facilitators[0].user
    with pytest.raises(ServiceError, match="check-in opens on that day"):
        attendance.open_check_in(trainer, workshop)
    workshop.sessions[0].checkin_code, workshop.sessions[0].checkin_open = "ABCDEF", True  # forced open
    with pytest.raises(ServiceError, match="check-in opens on that day"):
        attendance.check_in(people[0], "ABCDEF")
    scenario = roleplay.scenarios_for(workshop)[0]
    with pytest.raises(ServiceError, match="role play opens on that day"):
        roleplay.start_round(trainer, workshop, scenario)


def test_on_the_day_the_register_check_in_and_role_play_open(build):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(4)]
    workshop = make_workshop(build, teams=[team], starts_in=dt.timedelta(minutes=1))
    trainer = workshop.facilitators[0].user
    if not attendance.day_reached(workshop.sessions[0]):  # started a minute before midnight UK time
        workshop.sessions[0].starts_at -= dt.timedelta(minutes=2)
    code = attendance.open_check_in(trainer, workshop)
    attendance.check_in(people[0], code)
    attendance.mark(trainer, workshop, {p.id: P for p in people[1:]})
    assert roleplay.start_round(trainer, workshop, roleplay.scenarios_for(workshop)[0]).number == 1


def _signed_off_without(build, missed_count=1):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(3)]
    workshop = make_workshop(build, teams=[team], starts_in=dt.timedelta(days=-3))
    trainer = workshop.facilitators[0].user
    attendance.mark(trainer, workshop, {p.id: P for p in people[missed_count:]})
    attendance.sign_off(trainer, workshop)
    db.session.commit()
    return workshop, people[:missed_count], trainer


def test_an_administrator_records_someone_the_signed_off_register_missed_with_a_reason(build, client, login):
    from sqlalchemy import select

    from equiptrain.auditlog.models import AuditEvent
    from equiptrain.workshops.models import WorkshopResult

    workshop, (missed,), trainer = _signed_off_without(build)
    admin = build.user("admin", org=workshop.organisation)
    login(admin)
    page = client.get(f"/workshops/{workshop.id}/register").get_data(as_text=True)
    assert "Someone the register missed" in page
    url = f"/workshops/{workshop.id}/register/afterwards?session=1"
    refused = client.post(url, data={"after-person": missed.id, "after-status": "present", "after-reason": "x"})
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    ok = client.post(
        url, data={"after-person": missed.id, "after-status": "present", "after-reason": "Signed the paper sheet"}
    )
    assert ok.status_code == 302
    result = db.session.scalar(
        select(WorkshopResult).where(WorkshopResult.workshop_id == workshop.id, WorkshopResult.user_id == missed.id)
    )
    assert result is not None and result.attended and result.sessions_attended == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "workshop.attendance_recorded_afterwards"))
    assert event is not None and "paper sheet" in str(event.details)


def test_a_trainer_cannot_override_and_nobody_records_a_future_session_afterwards(build, client, login):
    workshop, (missed,), trainer = _signed_off_without(build)
    with pytest.raises(ServiceError, match="Only an administrator"):
        attendance.record_afterwards(trainer, workshop, workshop.sessions[0], missed, P, "Signed the paper sheet")
    login(trainer)
    url = f"/workshops/{workshop.id}/register/afterwards?session=1"
    assert client.post(url, data={"after-person": missed.id, "after-status": "present"}).status_code == 403
    future, people = _month_away(build)
    admin = build.user("admin", org=future.organisation)
    future.sessions[0].signed_off_at = future.sessions[0].starts_at  # forced: a register signed off in advance
    with pytest.raises(ServiceError, match="opens on that day"):
        attendance.record_afterwards(admin, future, future.sessions[0], people[0], P, "Signed the paper sheet")
