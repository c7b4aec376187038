"""The register, self check-in and the CPD credit sent on sign-off."""

from __future__ import annotations

import datetime as dt

import pytest

from equiptrain import signals
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops import attendance
from equiptrain.workshops.models import Attendance, AttendanceStatus
from tests.workshops.helpers import make_module, make_workshop


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    signals.workshop_attended.connect(receiver)
    yield calls
    signals.workshop_attended.disconnect(receiver)


def _past(build, n=4, **kw):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(n)]
    w = make_workshop(build, teams=[team], starts_in=dt.timedelta(hours=-2), **kw)
    return w, people


def test_sign_off_credits_attendance_with_the_right_arguments(build, client, login, received, outbox):
    m1, m2 = make_module(hours=3.0), make_module(hours=2.5)
    w, (a, b, c, d) = _past(build, modules=[m1, m2])
    facilitator = w.facilitators[0].user
    login(facilitator)
    response = client.post(
        f"/workshops/{w.id}/register",
        data={
            f"person-{a.id}": "present",
            f"person-{b.id}": "late",
            f"person-{c.id}": "left_early",
            f"person-{d.id}": "absent",
            "action": "sign_off",
        },
    )
    assert response.status_code == 302
    assert {s.id for s, _ in received} == {a.id, b.id, c.id}
    for _, kwargs in received:
        assert kwargs["workshop"].id == w.id
        assert kwargs["module_slugs"] == [m1.slug, m2.slug]
        assert kwargs["hours"] == 5.5
        assert kwargs["at"] == w.ends_at
    assert db.session.get(type(w), w.id).signed_off_at is not None
    asked = lambda u: [m for m in outbox.to(u.email) if m["Subject"].startswith("How was")]  # noqa: E731
    assert asked(a) and not asked(d)  # feedback is asked only of those who came


def test_hours_fall_back_to_the_workshop_length(build, received):
    w, (a, *_rest) = _past(build, modules=[make_module(hours=0)])
    actor = w.facilitators[0].user
    attendance.mark(actor, w, {a.id: AttendanceStatus.PRESENT})
    attendance.sign_off(actor, w)
    assert received[0][1]["hours"] == 6.0


def test_register_is_locked_after_sign_off_and_needs_marks(build):
    w, (a, *_rest) = _past(build)
    actor = w.facilitators[0].user
    with pytest.raises(ServiceError, match="Mark who came"):
        attendance.sign_off(actor, w)
    attendance.mark(actor, w, {a.id: AttendanceStatus.PRESENT})
    attendance.sign_off(actor, w)
    with pytest.raises(ServiceError, match="signed off"):
        attendance.mark(actor, w, {a.id: AttendanceStatus.ABSENT})
    with pytest.raises(ServiceError):
        attendance.sign_off(actor, w)


def test_people_not_invited_cannot_be_marked(build):
    w, _ = _past(build)
    with pytest.raises(ServiceError):
        attendance.mark(w.facilitators[0].user, w, {build.user("learner").id: AttendanceStatus.PRESENT})


def test_self_check_in_only_while_open(build, client, login):
    w, (a, *_rest) = _past(build)
    facilitator = w.facilitators[0].user
    login(facilitator)
    page = client.get(f"/workshops/{w.id}/check-in")
    assert "Check-in is closed" in page.get_data(as_text=True)
    client.post(f"/workshops/{w.id}/check-in", data={"action": "open"})
    page = client.get(f"/workshops/{w.id}/check-in").get_data(as_text=True)
    code = w.sessions[0].checkin_code
    assert "<svg" in page and code in page and "style=" not in page.split("<svg", 1)[1].split("</svg>")[0]
    login(a)
    client.post("/workshops/check-in", data={"code": w.sessions[0].checkin_code.lower()})
    row = db.session.query(Attendance).filter_by(workshop_id=w.id, user_id=a.id).one()
    assert row.status is AttendanceStatus.PRESENT and row.checked_in_at
    outsider = build.user("learner")
    login(outsider)
    response = client.post("/workshops/check-in", data={"code": w.sessions[0].checkin_code})
    assert "not invited" in response.get_data(as_text=True)
    attendance.close_check_in(facilitator, w)
    db.session.commit()
    with pytest.raises(ServiceError, match="not open"):
        attendance.check_in(a, w.sessions[0].checkin_code)


def test_only_facilitators_and_admins_take_the_register(build, client, login):
    w, (a, *_rest) = _past(build)
    login(a)
    assert client.get(f"/workshops/{w.id}/register").status_code == 403
    login(build.user("trainer", org=w.organisation))  # a trainer, but not this workshop's
    assert client.get(f"/workshops/{w.id}/register").status_code == 403
    login(w.facilitators[1].user)
    assert client.get(f"/workshops/{w.id}/register").status_code == 200
