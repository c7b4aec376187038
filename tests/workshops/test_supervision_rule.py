"""programme.yaml's supervision rule: how many team supervision sessions after the core count for a team to be
trained and for a certificate that asks for them (all the planned sessions by default)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from equiptrain.certificates import rules as cert_rules
from equiptrain.content.models import Programme
from equiptrain.content.rules import supervision_sessions_required
from equiptrain.extensions import db
from equiptrain.workshops import attendance, queries
from equiptrain.workshops.models import AttendanceStatus, WorkshopKind
from tests.workshops.helpers import make_module, make_workshop

P = AttendanceStatus.PRESENT


def _held(w, people):
    actor = w.facilitators[0].user
    for session in w.sessions:
        attendance.mark(actor, w, {p.id: P for p in people}, session)
        attendance.sign_off(actor, w, session)


def _team_after_core(build, n=5):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(n)]
    core = make_workshop(build, teams=[team], days=2, starts_in=dt.timedelta(days=-60), modules=[make_module(hours=6)])
    _held(core, people)
    return core, team, people


def _supervision(build, core, team, people, days_ago):
    sup = make_workshop(
        build,
        org=team.organisation,
        teams=[team],
        kind=WorkshopKind.SUPERVISION,
        follow_up_of=core,
        starts_in=dt.timedelta(days=-days_ago),
    )
    _held(sup, people)
    return sup


def _row(team):
    return next(r for r in queries.team_training(team.organisation_id) if r["team"].id == team.id)


def _set_sessions(value):
    programme = db.session.scalar(select(Programme).order_by(Programme.id).limit(1))
    programme.rules = {"supervision_sessions": value}
    db.session.flush()


def test_by_default_every_planned_session_counts(app, build):
    _set_sessions(None)
    assert supervision_sessions_required() == app.config["SUPERVISION_SESSIONS"] == 3
    core, team, people = _team_after_core(build)
    row = _row(team)
    assert row["core_done"] and row["supervision_held"] == 0 and not row["trained"]
    for days_ago in (40, 25):
        _supervision(build, core, team, people, days_ago)
    row = _row(team)
    assert row["supervision_held"] == 2 and not row["trained"]
    _supervision(build, core, team, people, 10)
    row = _row(team)
    assert row["supervision_held"] == 3 and row["trained"] and row["supervision_required"] == 3


def test_programme_yaml_can_count_fewer_sessions(build):
    _set_sessions(1)
    assert supervision_sessions_required() == 1
    core, team, people = _team_after_core(build)
    assert not _row(team)["trained"]
    _supervision(build, core, team, people, 20)
    assert _row(team)["trained"]


def test_never_more_than_the_platform_plans(app, build, monkeypatch):
    _set_sessions(12)
    monkeypatch.setitem(app.config, "SUPERVISION_SESSIONS", 4)
    assert supervision_sessions_required() == 4


def test_a_certificate_asking_for_supervision_needs_that_many_attended(build):
    _set_sessions(None)
    core, team, people = _team_after_core(build)
    rule = cert_rules.Rule("p", "P", "d", (), core=tuple(m.slug for m in core.modules), supervision=3)
    booster = make_workshop(
        build,
        org=team.organisation,
        teams=[team],
        kind=WorkshopKind.BOOSTER,
        follow_up_of=core,
        starts_in=dt.timedelta(days=-30),
    )
    _held(booster, people)
    sups = [_supervision(build, core, team, people, d) for d in (40, 25)]
    record = cert_rules.load_records([people[0].id])[people[0].id]
    assert cert_rules.workshops_counted(rule, record) is None  # two supervision sessions, and a booster does not count
    sups.append(_supervision(build, core, team, people, 10))
    record = cert_rules.load_records([people[0].id])[people[0].id]
    counted = cert_rules.workshops_counted(rule, record)
    assert counted is not None and {s.id for s in sups} <= {w.id for w in counted}


def test_the_shipped_practitioner_certificate_uses_the_rule():
    from pathlib import Path

    from equiptrain.content.loader import load_course

    course = load_course(Path(__file__).resolve().parents[2] / "course_content")
    practitioner = next(c for c in course.programme.certificates if c.slug == "equip-practitioner")
    assert practitioner.workshops is not None and practitioner.workshops.supervision
    assert course.programme.supervision_sessions is None  # "all"
