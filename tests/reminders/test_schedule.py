"""The schedule with time travel: each message fires on the right day, once; the weekly cap on overdue reminders
is shared with managers' reminders; organisation switches and personal opt-outs hold; never to a deactivated
person; each is audited and listed on the person's messages page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select, update

from equiptrain.auditlog.models import AuditEvent
from equiptrain.dashboards import services as dashboard_services
from equiptrain.extensions import db
from equiptrain.jobs import schedule
from equiptrain.jobs.models import OutboxItem
from equiptrain.reminders import services, settings
from tests.dashboards import helpers

DEADLINE = dt.date(2027, 3, 31)  # a Wednesday


def at(day: dt.date, hour: int = 8):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC), tick=False)


def sent(user, category: str) -> list[OutboxItem]:
    return list(
        db.session.scalars(select(OutboxItem).where(OutboxItem.user_id == user.id, OutboxItem.category == category))
    )


@pytest.fixture
def world(build):
    with at(DEADLINE - dt.timedelta(days=60)):
        org = build.org()
        team = build.team(org, name="Harbour CMHT")
        manager = build.user("manager", team=team, name="Mina Manager")
        learner = build.user("learner", team=team, name="Lee Learner")
        done = build.user("learner", team=team, name="Dana Done")
        admin = build.user("admin", org=org)
        (module,) = helpers.modules(1)
        helpers.progress(done, module)
        helpers.progress(manager, module)
        dashboard_services.save_requirements(
            admin,
            org,
            module_ids={module.id},
            core_workshop=False,
            deadline=DEADLINE,
            joiner_days=None,
            module_expiry_months={module.id: 12},
        )
        db.session.commit()
    return {"org": org, "team": team, "manager": manager, "learner": learner, "done": done, "admin": admin}


def run_days(first: dt.date, last: dt.date) -> None:
    day = first
    while day <= last:
        with at(day):
            schedule.run_due()
        day += dt.timedelta(days=1)


def test_deadline_reminders_come_14_and_3_days_before_once_each(world, outbox):
    learner = world["learner"]
    run_days(DEADLINE - dt.timedelta(days=20), DEADLINE - dt.timedelta(days=15))
    assert sent(learner, "deadline_reminder") == []
    with at(DEADLINE - dt.timedelta(days=14)):
        schedule.run_due()
        schedule.run_due()  # a second consumer, the same day: the claim is taken
        services.deadline_reminders()  # even run again by hand, the message went already
    [first] = sent(learner, "deadline_reminder")
    assert first.subject == "Your EQUIP training is due in 14 days"
    run_days(DEADLINE - dt.timedelta(days=13), DEADLINE - dt.timedelta(days=4))
    assert len(sent(learner, "deadline_reminder")) == 1
    run_days(DEADLINE - dt.timedelta(days=3), DEADLINE)
    subjects = [i.subject for i in sent(learner, "deadline_reminder")]
    assert subjects == ["Your EQUIP training is due in 14 days", "Your EQUIP training is due in 3 days"]
    assert sent(world["done"], "deadline_reminder") == []  # complete: nothing
    assert {m["Subject"] for m in outbox.to(learner.email)} == set(subjects)
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "scheduled_message.sent", AuditEvent.subject_id == learner.id)
    ).all()
    assert len(audited) == 2


def test_a_missed_day_is_caught_up_but_never_sent_twice(world):
    # No consumer ran on the 14th day before: the next run sends the 14-day reminder, not nothing.
    run_days(DEADLINE - dt.timedelta(days=12), DEADLINE - dt.timedelta(days=10))
    [item] = sent(world["learner"], "deadline_reminder")
    assert item.subject == "Your EQUIP training is due in 12 days"


def test_overdue_reminders_are_weekly_and_share_the_cap_with_managers(world, client, login):
    learner, manager, team = world["learner"], world["manager"], world["team"]
    run_days(DEADLINE + dt.timedelta(days=1), DEADLINE + dt.timedelta(days=7))
    assert len(sent(learner, "overdue_reminder")) == 1
    with at(DEADLINE + dt.timedelta(days=3)):
        result = dashboard_services.send_reminders(manager, team, [learner.id])
    assert result.sent == [] and [p for p, _when in result.throttled] == [learner]  # the cap holds for managers
    run_days(DEADLINE + dt.timedelta(days=8), DEADLINE + dt.timedelta(days=9))
    assert len(sent(learner, "overdue_reminder")) == 2  # a week after the first
    with at(DEADLINE + dt.timedelta(days=16)):
        result = dashboard_services.send_reminders(manager, team, [learner.id])  # the manager reminds first
        db.session.commit()
        assert result.sent == [learner]
        schedule.run_due()
    assert len(sent(learner, "overdue_reminder")) == 2  # ...so the schedule waits a week from theirs


def test_organisation_switches_and_deactivated_people(world, build):
    settings.save(world["org"].id, {"deadline_reminder"}, 0)
    db.session.commit()
    with at(DEADLINE - dt.timedelta(days=14)):
        schedule.run_due()
    assert sent(world["learner"], "deadline_reminder") == []
    settings.save(world["org"].id, set(), 0)
    db.session.execute(
        update(type(world["learner"]))
        .where(type(world["learner"]).id == world["learner"].id)
        .values(deactivated_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    )
    db.session.commit()
    run_days(DEADLINE - dt.timedelta(days=3), DEADLINE + dt.timedelta(days=10))
    assert db.session.scalars(select(OutboxItem).where(OutboxItem.user_id == world["learner"].id)).all() == []


def test_the_manager_digest_comes_on_the_chosen_weekday_once_and_respects_opt_outs(world, build):
    manager = world["manager"]
    settings.save(world["org"].id, set(), 4)  # Fridays
    db.session.commit()
    # The week before the deadline: Monday 22 March to Sunday 28 March 2027.
    run_days(dt.date(2027, 3, 22), dt.date(2027, 3, 28))
    [digest] = sent(manager, "manager_digest")
    assert digest.created_at.date() == dt.date(2027, 3, 26)  # the Friday
    body = digest.body.decode()
    assert "Harbour CMHT" in body and "Lee Learner (due 31 Mar 2027)" in body and "Dana Done" not in body
    assert sent(world["learner"], "manager_digest") == []  # managers only
    settings.set_opt_out(manager.id, "manager_digest", True)
    db.session.commit()
    run_days(dt.date(2027, 4, 2), dt.date(2027, 4, 2))
    assert len(sent(manager, "manager_digest")) == 1


def test_expiry_is_announced_before_and_when_it_comes(world, app):
    done = world["done"]
    completed = db.session.scalar(
        select(helpers.ModuleProgress.completed_at).where(helpers.ModuleProgress.user_id == done.id)
    ).date()
    expires = completed.replace(year=completed.year + 1)
    notice = int(app.config["EXPIRY_NOTICE_DAYS"])
    run_days(expires - dt.timedelta(days=notice + 2), expires - dt.timedelta(days=notice + 1))
    assert sent(done, "expiry_notice") == []
    run_days(expires - dt.timedelta(days=notice), expires - dt.timedelta(days=notice - 3))
    [soon] = sent(done, "expiry_notice")
    assert "expires soon" in soon.subject
    run_days(expires, expires + dt.timedelta(days=2))
    assert [i.subject.split(":")[0] for i in sent(done, "expiry_notice")] == [
        "Your EQUIP training expires soon",
        "Your EQUIP training has expired",
    ]


def test_the_messages_page_lists_what_was_sent(world, client, login):
    with at(DEADLINE - dt.timedelta(days=14)):
        schedule.run_due()
    page = login(world["learner"]).get("/account/messages").get_data(as_text=True)
    assert "Your EQUIP training is due in 14 days" in page and "Deadline reminders" in page
    other = login(world["done"], client.application.test_client()).get("/account/messages")
    assert "due in 14 days" not in other.get_data(as_text=True)


def test_a_daily_task_claims_its_day_once(world, app):
    from equiptrain.jobs.models import ScheduleRun

    with at(DEADLINE - dt.timedelta(days=30), hour=6):
        assert "reminders.daily" not in schedule.run_due()  # before the daily hour
    with at(DEADLINE - dt.timedelta(days=30)):
        assert "reminders.daily" in schedule.run_due()
        assert "reminders.daily" not in schedule.run_due()
    runs = db.session.scalars(select(ScheduleRun).where(ScheduleRun.name == "reminders.daily")).all()
    assert [r.period for r in runs] == [(DEADLINE - dt.timedelta(days=30)).isoformat()]


def test_every_registered_task_runs_cleanly_on_an_ordinary_day(world):
    from equiptrain.jobs.models import ScheduleRun

    with at(DEADLINE - dt.timedelta(days=40), hour=9):
        ran = schedule.run_due()
    assert set(ran) == {p.name for p in schedule.registered()}
    assert db.session.scalars(select(ScheduleRun).where(ScheduleRun.error.is_not(None))).all() == []
