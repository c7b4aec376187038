"""The core's own expiry and refresher: EXPIRY_NOTICE_DAYS before attending the core expires, a refresher naming the
core opens (once), the learner is offered a place at the next core and told, their manager told; attending a core
day after it opened completes it: the core renewed from that workshop, a new certificate issued and the old one
expired (not revoked). Never for a deactivated person; the notices switch off with "expiry_notice"."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from equiptrain.auditlog.models import AuditEvent
from equiptrain.certificates.models import CertificateStatus
from equiptrain.dashboards import queries as dq
from equiptrain.dashboards import requirements as rules
from equiptrain.dashboards import services as dashboard_services
from equiptrain.extensions import db
from equiptrain.jobs import schedule
from equiptrain.reminders import refreshers, services, settings
from equiptrain.reminders.models import Refresher
from equiptrain.workshops import attendance
from equiptrain.workshops.models import AttendanceStatus, Invitation
from equiptrain.workshops.queries import core_completed
from tests.certificates.helpers import attended_workshop, certificates_of, complete_modules, set_rules
from tests.learning.helpers import module, sync_small_course
from tests.reminders.test_schedule import at, sent
from tests.workshops.helpers import make_workshop

CORE_RULE = {
    "slug": "equip-core",
    "title": "EQUIP core certificate",
    "description": "Awarded for the first module and the core workshop.",
    "modules": ["foundations"],
    "workshops": {"core": ["foundations"]},
}


@pytest.fixture
def core_world(tmp_path, build):
    sync_small_course(tmp_path / "course")
    set_rules(CORE_RULE)
    org = build.org()
    team = build.team(org, name="Harbour CMHT")
    manager = build.user("manager", team=team, name="Mina Manager")
    learner = build.user("learner", team=team, name="Lee Learner")
    gone = build.user("learner", team=team, name="Gil Gone")
    admin = build.user("admin", org=org)
    for person in (learner, gone):
        complete_modules(person, "foundations")
    core = attended_workshop(build, team, [learner, gone])
    [old] = certificates_of(learner)
    dashboard_services.save_requirements(
        admin,
        org,
        module_ids={module("foundations").id},
        core_workshop=True,
        deadline=dt.date.today() + dt.timedelta(days=30),
        joiner_days=None,
        core_expiry_months=12,
    )
    # The next core, a long way off (after the refresher opens), two days a week apart.
    next_core = make_workshop(
        build, org=org, teams=[team], modules=[module("foundations")], days=2, starts_in=dt.timedelta(days=420)
    )
    gone.deactivated_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    attended_on = core_completed([learner.id])[learner.id].date()
    return {
        "org": org,
        "team": team,
        "manager": manager,
        "learner": learner,
        "gone": gone,
        "core": core,
        "next_core": next_core,
        "old": old,
        "expires": rules.add_months(attended_on, 12),
    }


def test_the_core_refresher_opens_on_the_day_once_and_offers_the_next_core(core_world, app, outbox):
    w = core_world
    learner, manager, expires = w["learner"], w["manager"], w["expires"]
    notice = int(app.config["EXPIRY_NOTICE_DAYS"])
    day = expires - dt.timedelta(days=notice)
    for earlier in (day - dt.timedelta(days=2), day - dt.timedelta(days=1)):
        with at(earlier):
            schedule.run_due()
    assert db.session.scalars(select(Refresher)).all() == []
    with at(day):
        schedule.run_due()
        schedule.run_due()  # a second consumer the same day: the claim is taken
        services.expiry_notices()  # run again by hand: nothing twice
    [refresher] = db.session.scalars(select(Refresher)).all()
    assert (refresher.user_id, refresher.core, refresher.module_id) == (learner.id, True, None)
    assert refresher.expires_on == expires and refresher.completed_at is None
    # Offered a place at the next core (the new starters' way), and told where; the manager told once.
    assert db.session.scalar(
        select(Invitation).where(Invitation.workshop_id == w["next_core"].id, Invitation.user_id == learner.id)
    )
    [notice_item] = sent(learner, "expiry_notice")
    assert notice_item.subject == "Your EQUIP training expires soon: Core workshop"
    body = outbox.to(learner.email)[-1].get_content()
    assert w["next_core"].title in body and "attend a day of a core workshop" in body
    [to_manager] = sent(manager, "expiry_notice")
    assert learner.name in to_manager.subject and "expires on" in to_manager.subject
    assert w["next_core"].title in outbox.to(manager.email)[-1].get_content()
    # Never the deactivated colleague who attended the same core.
    assert sent(w["gone"], "expiry_notice") == []
    assert db.session.scalars(select(Refresher).where(Refresher.user_id == w["gone"].id)).all() == []
    # Once expired: one more notice to the learner, no second refresher and nothing more to the manager.
    with at(expires):
        services.expiry_notices()
    assert [i.subject for i in sent(learner, "expiry_notice")] == [
        "Your EQUIP training expires soon: Core workshop",
        "Your EQUIP training has expired: Core workshop",
    ]
    assert len(db.session.scalars(select(Refresher)).all()) == 1 and len(sent(manager, "expiry_notice")) == 1
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "refresher.opened", AuditEvent.subject_id == learner.id)
    ).all()
    assert len(audited) == 1


def test_no_core_scheduled_asks_the_manager_for_a_catch_up(core_world, app, outbox):
    w = core_world
    db.session.delete(w["next_core"])
    db.session.commit()
    with at(w["expires"] - dt.timedelta(days=int(app.config["EXPIRY_NOTICE_DAYS"]))):
        services.expiry_notices()
    assert "catch-up" in outbox.to(w["manager"].email)[-1].get_content()
    assert "catch-up" in outbox.to(w["learner"].email)[-1].get_content()


def test_switched_off_the_refresher_still_opens_but_nobody_is_emailed(core_world, app):
    w = core_world
    settings.save(w["org"].id, {"expiry_notice"}, 0)
    db.session.commit()
    with at(w["expires"] - dt.timedelta(days=int(app.config["EXPIRY_NOTICE_DAYS"]))):
        services.expiry_notices()
    assert len(db.session.scalars(select(Refresher)).all()) == 1
    assert sent(w["learner"], "expiry_notice") == [] and sent(w["manager"], "expiry_notice") == []


def test_attending_a_core_day_completes_the_refresher_and_renews(core_world, app, client, login):
    w = core_world
    learner, next_core = w["learner"], w["next_core"]
    with at(w["expires"] - dt.timedelta(days=int(app.config["EXPIRY_NOTICE_DAYS"]))):
        services.expiry_notices()
        db.session.commit()
    # My programme shows the open core refresher.
    page = login(learner).get("/programme").get_data(as_text=True)
    assert "A refresher is open" in page and "attend a day of a core workshop" in page
    # Attending the first of its two days is enough for a refresher.
    first, second = next_core.sessions
    with at(second.ends_at.date() + dt.timedelta(days=1)):
        actor = next_core.facilitators[0].user
        attendance.mark(actor, next_core, {learner.id: AttendanceStatus.PRESENT}, first)
        attendance.sign_off(actor, next_core, first)
        attendance.mark(actor, next_core, {learner.id: AttendanceStatus.ABSENT}, second)
        attendance.sign_off(actor, next_core, second)
        db.session.commit()
    db.session.expire_all()
    [refresher] = db.session.scalars(select(Refresher)).all()
    assert refresher.completed_at is not None
    old_again, new = certificates_of(learner)
    assert old_again.id == w["old"].id and old_again.status is CertificateStatus.EXPIRED
    assert new.status is CertificateStatus.VALID and old_again.superseded_by_id == new.id
    verify = client.get(f"/verify/{old_again.display_code}").get_data(as_text=True)
    assert "Expired" in verify and "Revoked" not in verify
    # The core is renewed from the workshop attended: its expiry moves on, in the compliance export too.
    renewed = core_completed([learner.id])[learner.id].date()
    assert renewed == next_core.ends_at.date()
    policy = rules.load(w["org"].id)
    [core_row] = [
        r
        for r in dq.compliance_records(w["org"].id, policy, dq.current_modules())
        if r[2] == learner.email and r[3] == "Core workshop"
    ]
    assert core_row[4] == renewed and core_row[5] == rules.add_months(renewed, 12)
    assert refreshers.open_for(learner.id) == []
    person = login(w["manager"]).get(f"/dashboards/teams/{w['team'].id}/people/{learner.id}").get_data(as_text=True)
    assert f"renewed {renewed:%d %b %Y}" in person and f"Expires on {rules.add_months(renewed, 12):%d %b %Y}" in person


def test_attending_before_the_refresher_opened_does_not_complete_it(core_world):
    w = core_world
    learner = w["learner"]
    refresher, opened = refreshers.open_refresher(learner.id, None, w["expires"])  # now: after the first core
    assert opened
    # The first core (attended before the refresher opened) is announced again: nothing happens.
    refreshers.on_core_attended(learner, workshop=w["core"], at=w["core"].ends_at)
    assert refresher.completed_at is None
    assert refreshers.open_refresher(learner.id, None, w["expires"]) == (refresher, False)
    assert refreshers.check_open() == 0  # the sweep agrees: no core attended since it opened
