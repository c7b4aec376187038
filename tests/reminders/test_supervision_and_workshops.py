"""Supervision due and overdue (trainers and the manager), and the day-before workshop reminder with its calendar
invite, each on the right day and once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from equiptrain.extensions import db
from equiptrain.jobs.models import OutboxItem
from equiptrain.reminders import services
from equiptrain.supervision import services as supervision_services
from equiptrain.workshops.models import Reply
from equiptrain.workshops.uktime import to_uk
from tests.reminders.test_schedule import at
from tests.workshops.helpers import make_workshop


def categories(user) -> list[str]:
    return list(
        db.session.scalars(select(OutboxItem.category).where(OutboxItem.user_id == user.id).order_by(OutboxItem.id))
    )


def test_supervision_due_then_overdue_to_the_manager_and_trainers(build):
    team = build.team()
    manager = build.user("manager", team=team)
    learner = build.user("learner", team=team)
    core = make_workshop(build, teams=[team], starts_in=dt.timedelta(days=-30))
    trainer = core.facilitators[0].user
    plan = supervision_services.start_plan(None, team, dt.date(2027, 1, 10))
    plan.core_workshop_id = core.id
    db.session.commit()
    first = plan.sessions[0].due_on
    for user in (manager, trainer, learner):
        db.session.execute(db.delete(OutboxItem).where(OutboxItem.user_id == user.id))
    db.session.commit()
    with at(first - dt.timedelta(days=15)):
        services.supervision_reminders()
    assert categories(manager) == []
    with at(first - dt.timedelta(days=14)):
        services.supervision_reminders()
        services.supervision_reminders()
    assert categories(manager) == categories(trainer) == ["supervision_due"]
    with at(first + dt.timedelta(days=1)):
        services.supervision_reminders()
    with at(first + dt.timedelta(days=8)):
        services.supervision_reminders()
    assert categories(manager) == ["supervision_due", "supervision_overdue"]
    assert categories(learner) == []  # only the manager and the trainers


def test_the_day_before_a_session_its_people_get_a_reminder_with_the_invite(build, outbox):
    team = build.team()
    coming = build.user("learner", team=team)
    declined = build.user("learner", team=team)
    workshop = make_workshop(build, teams=[team], starts_in=dt.timedelta(days=5))
    for invitation in workshop.invitations:
        if invitation.user_id == coming.id:
            invitation.reply = Reply.ATTENDING
        elif invitation.user_id == declined.id:
            invitation.reply = Reply.NOT_ATTENDING
    db.session.commit()
    outbox.clear()
    day = to_uk(workshop.sessions[0].starts_at).date()
    with at(day - dt.timedelta(days=2), hour=9):
        services.workshop_reminders()
    assert "workshop_reminder" not in categories(coming)
    with at(day - dt.timedelta(days=1), hour=9):
        services.workshop_reminders()
        services.workshop_reminders()
        db.session.commit()  # as the schedule's run commits: the messages leave after it
    assert categories(coming).count("workshop_reminder") == 1
    assert "workshop_reminder" not in categories(declined)
    assert "workshop_reminder" in categories(workshop.facilitators[0].user)
    [message] = [m for m in outbox.to(coming.email) if m["Subject"].startswith("Tomorrow")]
    [invite] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert "BEGIN:VEVENT" in invite.get_content()
