"""Multi-session workshops: a register per session, the attended-the-core rule, CPD per attended session, one
calendar event per session, and the team-trained rule counting whole-core attendance."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from equiptrain import signals
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection.models import CPDEntry
from equiptrain.workshops import attendance, queries, services
from equiptrain.workshops.models import AttendanceStatus, WorkshopResult
from tests.workshops.helpers import make_module, make_workshop

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


@pytest.fixture
def received():
    calls = {"full": [], "part": []}
    full = lambda sender, **kw: calls["full"].append((sender, kw))  # noqa: E731
    part = lambda sender, **kw: calls["part"].append((sender, kw))  # noqa: E731
    signals.workshop_attended.connect(full)
    signals.workshop_partly_attended.connect(part)
    yield calls
    signals.workshop_attended.disconnect(full)
    signals.workshop_partly_attended.disconnect(part)


def _core(build, n=3, **kw):
    """A two-day core, both days in the past (a week apart), for a team of n."""
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(n)]
    w = make_workshop(
        build, teams=[team], days=2, starts_in=dt.timedelta(days=-9), modules=[make_module(hours=6)], **kw
    )
    return w, team, people


def _take(w, session_number, statuses):
    actor = w.facilitators[0].user
    session = w.sessions[session_number - 1]
    attendance.mark(actor, w, statuses, session)
    return attendance.sign_off(actor, w, session)


def test_a_workshop_runs_over_sessions_each_with_its_register(build):
    w, _, (a, b, c) = _core(build)
    assert [s.number for s in w.sessions] == [1, 2]
    assert w.starts_at == w.sessions[0].starts_at and w.ends_at == w.sessions[1].ends_at
    assert w.duration_hours == 12.0
    assert attendance.current_session(w).number == 1
    assert _take(w, 1, {a.id: P, b.id: P, c.id: A}) == 2
    assert attendance.current_session(w).number == 2 and w.signed_off_at is None
    with pytest.raises(ServiceError, match="Session 1's register has been signed off"):
        attendance.mark(w.facilitators[0].user, w, {c.id: P}, w.sessions[0])
    _take(w, 2, {a.id: P, b.id: A, c.id: A})
    assert w.signed_off_at is not None


def test_attended_the_core_means_every_session(build, received):
    w, _, (a, b, c) = _core(build)
    _take(w, 1, {a.id: P, b.id: P, c.id: A})
    assert received == {"full": [], "part": []}  # nothing is established until the last register is signed off
    _take(w, 2, {a.id: P, b.id: AttendanceStatus.LATE, c.id: A})
    _take_results = {r.user_id: r for r in db.session.query(WorkshopResult).filter_by(workshop_id=w.id)}
    assert _take_results[a.id].attended and _take_results[b.id].attended and not _take_results[c.id].attended
    assert {u.id for u, _ in received["full"]} == {a.id, b.id}
    assert received["part"] == []
    assert all(kw["hours"] == 6.0 and kw["at"] == w.ends_at for _, kw in received["full"])
    assert set(queries.core_attendance([a.id, b.id, c.id])) == {a.id, b.id}


def test_one_day_of_two_earns_that_days_cpd_but_not_the_core(build, received):
    w, _, (a, b, c) = _core(build)
    _take(w, 1, {a.id: P, b.id: P, c.id: A})
    _take(w, 2, {a.id: P, b.id: A, c.id: A})
    assert [u.id for u, _ in received["part"]] == [b.id]
    assert received["part"][0][1]["hours"] == 3.0  # half the core's 6 CPD hours: one of two equal sessions
    assert queries.core_attendance([b.id]) == {}
    entries = {e.user_id: e.hours for e in db.session.query(CPDEntry).filter(CPDEntry.source == "workshop")}
    assert entries[a.id] == 6.0 and entries[b.id] == 3.0 and c.id not in entries


def test_the_share_of_sessions_is_a_setting(app, build, monkeypatch):
    monkeypatch.setitem(app.config, "WORKSHOP_ATTENDANCE_SHARE", 0.5)
    w, _, (a, b, c) = _core(build)
    _take(w, 1, {a.id: P, b.id: P, c.id: A})
    _take(w, 2, {a.id: P, b.id: A, c.id: A})
    assert set(queries.core_attendance([a.id, b.id, c.id])) == {a.id, b.id}


def test_team_trained_counts_whole_core_attendance(app, build):
    w, team, people = _core(build, n=5)
    everyone = {p.id: P for p in people}
    _take(w, 1, everyone)
    # Four of five came back on day two: 80%, the default TEAM_TRAINED_SHARE.
    _take(w, 2, {**everyone, people[0].id: A})
    row = next(r for r in queries.team_training(team.organisation_id) if r["team"].id == team.id)
    assert row["attended"] == 4 and row["core_done"] and not row["trained"]  # no supervision held yet


def test_a_team_where_too_few_came_back_is_not_trained(build):
    w, team, people = _core(build, n=5)
    _take(w, 1, {p.id: P for p in people})
    _take(w, 2, {p.id: (P if i < 3 else A) for i, p in enumerate(people)})
    row = next(r for r in queries.team_training(team.organisation_id) if r["team"].id == team.id)
    assert row["attended"] == 3 and not row["core_done"] and not row["trained"]


def test_follow_ups_attended_counts_supervision(build):
    w, team, (a, b, c) = _core(build)
    _take(w, 1, {a.id: P, b.id: P, c.id: P})
    _take(w, 2, {a.id: P, b.id: P, c.id: P})
    from equiptrain.workshops.models import WorkshopKind

    sup = make_workshop(
        build,
        org=team.organisation,
        teams=[team],
        kind=WorkshopKind.SUPERVISION,
        follow_up_of=w,
        starts_in=dt.timedelta(days=-1),
    )
    _take(sup, 1, {a.id: P, b.id: A, c.id: A})
    assert queries.follow_ups_attended([a.id, b.id]) == {a.id: 1}


def test_calendar_has_one_event_per_session(build, client, login):
    w, _, (a, *_rest) = _core(build)
    login(a)
    events = list(Calendar.from_ical(client.get(f"/workshops/{w.id}/calendar.ics").data).walk("VEVENT"))
    assert [e.decoded("DTSTART") for e in events] == [s.starts_at for s in w.sessions]
    assert len({str(e["UID"]) for e in events}) == 2
    assert str(events[1]["SUMMARY"]).endswith("(session 2 of 2)")


def test_sessions_are_kept_by_number_and_a_register_cannot_be_removed(build):
    w, _, (a, *_rest) = _core(build)
    _take(w, 1, {a.id: P})
    admin = build.user("admin", org=w.organisation)
    common = dict(
        organisation=w.organisation,
        title=w.title,
        kind=w.kind,
        room=w.room,
        online_url=None,
        capacity=w.capacity,
        modules=w.modules,
        teams=w.teams,
        facilitators=[f.user for f in w.facilitators],
    )
    one = [(w.sessions[0].starts_at, w.sessions[0].ends_at)]
    second = w.sessions[1]
    later = [(second.starts_at + dt.timedelta(days=1), second.ends_at + dt.timedelta(days=1))]
    services.save_workshop(admin, w, sessions=one + later, **common)  # moving day two is fine
    assert w.sessions[1] is second and w.ends_at == later[0][1]
    with pytest.raises(ServiceError, match="signed off"):
        services.save_workshop(admin, w, sessions=[(one[0][0] + dt.timedelta(hours=1), one[0][1])] + later, **common)
    db.session.rollback()


def test_sessions_must_be_in_order(build):
    w, _, _ = _core(build)
    admin = build.user("admin", org=w.organisation)
    s1, s2 = w.sessions
    with pytest.raises(ServiceError, match="Session 2 must start after session 1 ends"):
        services.save_workshop(
            admin,
            w,
            organisation=w.organisation,
            title=w.title,
            kind=w.kind,
            room="R",
            online_url=None,
            capacity=5,
            modules=[],
            teams=w.teams,
            facilitators=[f.user for f in w.facilitators],
            sessions=[(s2.starts_at, s2.ends_at), (s1.starts_at, s1.ends_at)],
        )
    db.session.rollback()


def test_the_form_schedules_a_two_day_core(build, client, login):
    team = build.team()
    admin = build.user("admin", org=team.organisation)
    login(admin)
    data = {
        "title": "EQUIP core",
        "kind": "core",
        "starts_at": "2030-03-14T09:30",
        "ends_at": "2030-03-14T16:30",
        "session2_starts_at": "2030-03-21T09:30",
        "session2_ends_at": "2030-03-21T16:30",
        "room": "Room 2",
        "capacity": "20",
        "teams": [str(team.id)],
        "org": str(team.organisation_id),
    }
    response = client.post("/workshops/new", data=data)
    assert response.status_code == 302
    workshop_id = int(re.search(r"/workshops/(\d+)", response.headers["Location"]).group(1))
    page = client.get(f"/workshops/{workshop_id}").get_data(as_text=True)
    assert "Session 1: Thu 14 Mar 2030, 09:30 to 16:30" in page and "Session 2: Thu 21 Mar 2030, 09:30" in page
    half = client.post("/workshops/new", data={**data, "session2_ends_at": ""}).get_data(as_text=True)
    assert "Enter both the start and the end of session 2" in half


def test_register_page_per_session(build, client, login):
    w, _, (a, *_rest) = _core(build)
    login(w.facilitators[0].user)
    page = client.get(f"/workshops/{w.id}/register?session=2").get_data(as_text=True)
    assert "Register: session 2" in page
    client.post(f"/workshops/{w.id}/register", data={"session": "2", f"person-{a.id}": "present", "action": "save"})
    assert attendance.register_rows(w, w.sessions[1])[0][2] is not None
    assert client.get(f"/workshops/{w.id}/register?session=9").status_code == 404
