"""New starters in a team that has had its core are offered a place at the next core, and their managers told;
with no core scheduled, the managers are asked to arrange a catch-up."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from equiptrain.accounts.models import MembershipRole
from equiptrain.accounts.services import set_membership
from equiptrain.auditlog.models import AuditEvent
from equiptrain.extensions import db
from equiptrain.workshops import attendance
from equiptrain.workshops.models import AttendanceStatus, Invitation, WorkshopKind
from tests.workshops.helpers import make_workshop


def _held_core(build):
    team = build.team()
    people = [build.user("learner", team=team) for _ in range(2)]
    manager = build.user("manager", team=team)
    core = make_workshop(build, teams=[team], days=2, starts_in=dt.timedelta(days=-30))
    actor = core.facilitators[0].user
    for session in core.sessions:
        attendance.mark(actor, core, {p.id: AttendanceStatus.PRESENT for p in people}, session)
        attendance.sign_off(actor, core, session)
    return team, manager, core


def _sent(outbox, to):
    return outbox.to(to)


def test_a_new_starter_is_offered_the_next_core_and_the_manager_told(build, outbox):
    team, manager, _core = _held_core(build)
    other_team = build.team(team.organisation)
    later = make_workshop(build, org=team.organisation, teams=[other_team], starts_in=dt.timedelta(days=40))
    sooner_for_team = make_workshop(build, org=team.organisation, teams=[team], starts_in=dt.timedelta(days=50))
    admin = build.user("admin", org=team.organisation)
    starter = build.user("learner", org=team.organisation)
    set_membership(admin, starter, team, MembershipRole.MEMBER)
    db.session.commit()
    # The workshop the team itself is invited to comes first, even if another starts sooner.
    assert db.session.scalar(
        select(Invitation).where(Invitation.user_id == starter.id, Invitation.workshop_id == sooner_for_team.id)
    )
    assert not db.session.scalar(
        select(Invitation).where(Invitation.user_id == starter.id, Invitation.workshop_id == later.id)
    )
    assert any("A place for you at the EQUIP core" in m["Subject"] for m in _sent(outbox, starter.email))
    told = _sent(outbox, manager.email)
    assert any(f"New starter {starter.name} offered a place" in m["Subject"] for m in told)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "newstarter.offered"))


def test_with_no_core_scheduled_the_manager_is_asked_for_a_catch_up(build, outbox):
    team, manager, _core = _held_core(build)
    starter = build.user("learner", org=team.organisation)
    set_membership(None, starter, team, MembershipRole.MEMBER)
    db.session.commit()
    assert any("no EQUIP core workshop is scheduled" in m["Subject"] for m in _sent(outbox, manager.email))
    assert not db.session.scalar(select(Invitation).where(Invitation.user_id == starter.id))


def test_nothing_happens_in_a_team_that_has_not_had_its_core(build, outbox):
    team = build.team()
    manager = build.user("manager", team=team)
    make_workshop(build, teams=[team], starts_in=dt.timedelta(days=10))  # the team's own core, still to come
    starter = build.user("learner", org=team.organisation)
    set_membership(None, starter, team, MembershipRole.MEMBER)
    db.session.commit()
    assert not any("New starter" in m["Subject"] for m in _sent(outbox, manager.email))
    assert not any("A place for you" in m["Subject"] for m in _sent(outbox, starter.email))


def test_a_change_of_role_is_not_joining(build, outbox):
    team, manager, _core = _held_core(build)
    make_workshop(build, org=team.organisation, teams=[team], starts_in=dt.timedelta(days=20))
    member = build.user("learner", team=team)
    db.session.commit()
    outbox.clear()
    set_membership(None, member, team, MembershipRole.MANAGER)
    db.session.commit()
    assert not outbox.messages


def test_someone_who_already_attended_a_core_is_not_offered_another(build, outbox):
    team, manager, _core = _held_core(build)
    make_workshop(build, org=team.organisation, teams=[team], starts_in=dt.timedelta(days=20))
    veteran = next(m.user for m in team.memberships if m.role is MembershipRole.MEMBER)
    second = build.team(team.organisation)
    build.user("manager", team=second)
    set_membership(None, veteran, second, MembershipRole.MEMBER)
    db.session.commit()
    assert not any("A place for you" in m["Subject"] for m in _sent(outbox, veteran.email))


def test_a_supervision_workshop_is_not_a_core_to_offer(build):
    from equiptrain.workshops.newstarters import next_core

    team, _, core = _held_core(build)
    make_workshop(
        build,
        org=team.organisation,
        teams=[team],
        kind=WorkshopKind.SUPERVISION,
        follow_up_of=core,
        starts_in=dt.timedelta(days=5),
    )
    assert next_core(team) is None
