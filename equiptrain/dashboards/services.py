"""The only writes the dashboards make: the organisation's training settings, a team's later deadline, and
reminders (one per person per week, each audit-logged)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from equiptrain import mail
from equiptrain.accounts.models import Membership, Organisation, Team, User
from equiptrain.accounts.services import ServiceError
from equiptrain.auditlog.services import log_event
from equiptrain.content.models import Module
from equiptrain.dashboards.models import MandatoryModule, Reminder, TeamDeadline, TrainingRequirements
from equiptrain.db import utcnow
from equiptrain.extensions import db

REMINDER_INTERVAL = dt.timedelta(days=7)
MAX_EXPIRY_MONTHS = 120


def save_requirements(
    actor: User,
    org: Organisation,
    *,
    module_ids: set[int],
    core_workshop: bool,
    deadline: dt.date | None,
    joiner_days: int | None,
    module_expiry_months: dict[int, int | None] | None = None,
    core_expiry_months: int | None = None,
    refresher_whole_module: bool = False,
) -> TrainingRequirements:
    """Replace the organisation's training requirements (all or nothing). `module_expiry_months` gives mandatory
    modules an expiry (months; a module absent or None does not expire); `core_expiry_months` the core's."""
    expiry = {m: n for m, n in (module_expiry_months or {}).items() if n}
    for months in [*expiry.values(), core_expiry_months]:
        if months is not None and not 1 <= months <= MAX_EXPIRY_MONTHS:
            raise ServiceError(f"Enter a number of months from 1 to {MAX_EXPIRY_MONTHS}, or leave it blank.", "modules")
    if set(expiry) - set(module_ids):
        raise ServiceError(
            "Only a mandatory module can expire: tick the module as mandatory, or leave its expiry blank.", "modules"
        )
    known = set(
        db.session.scalars(select(Module.id).where(Module.id.in_(module_ids or [-1]), Module.retired_at.is_(None)))
    )
    if known != set(module_ids):
        raise ServiceError(
            "One of the modules chosen is no longer in the course. Reload the page and choose again.", "modules"
        )
    if (module_ids or core_workshop) and deadline is None and joiner_days is None:
        raise ServiceError(
            "Give a completion deadline, or a number of days for people to complete, so that staff know by when.",
            "deadline",
        )
    earlier = (
        db.session.execute(
            select(Team.name, TeamDeadline.deadline)
            .join(Team, Team.id == TeamDeadline.team_id)
            .where(Team.organisation_id == org.id, TeamDeadline.deadline < deadline)
            .order_by(TeamDeadline.deadline, Team.name)
        ).all()
        if deadline is not None
        else []
    )
    if earlier:
        named = "; ".join(f"{name}: {day:%d %B %Y}" for name, day in earlier)
        raise ServiceError(
            f"{'These teams have' if len(earlier) > 1 else 'A team has'} its own deadline before this date ({named}). "
            "A team's date can only be later than the organisation's: change or remove it under "
            "'A later deadline for a team' first.",
            "deadline",
        )
    requirements = db.session.scalar(select(TrainingRequirements).where(TrainingRequirements.organisation_id == org.id))
    if requirements is None:
        requirements = TrainingRequirements(organisation_id=org.id)
        db.session.add(requirements)
    requirements.deadline, requirements.joiner_days = deadline, joiner_days
    requirements.core_expiry_months = core_expiry_months
    requirements.core_workshop_mandatory = core_workshop
    requirements.refresher_whole_module = refresher_whole_module
    requirements.updated_at, requirements.updated_by_id = utcnow(), actor.id
    db.session.execute(delete(MandatoryModule).where(MandatoryModule.organisation_id == org.id))
    db.session.add_all(
        MandatoryModule(organisation_id=org.id, module_id=m, expiry_months=expiry.get(m)) for m in sorted(module_ids)
    )
    db.session.flush()
    log_event(
        "training_policy.saved",
        actor,
        org,
        organisation_id=org.id,
        modules=sorted(module_ids),
        core_workshop=core_workshop,
        deadline=deadline.isoformat() if deadline else None,
        joiner_days=joiner_days,
        module_expiry_months={str(m): n for m, n in sorted(expiry.items())},
        core_expiry_months=core_expiry_months,
        refresher_whole_module=refresher_whole_module,
    )
    return requirements


def set_team_deadline(actor: User, team: Team, deadline: dt.date | None) -> None:
    """Give a team a later date than its organisation's, or (None) take it away."""
    org_deadline = db.session.scalar(
        select(TrainingRequirements.deadline).where(TrainingRequirements.organisation_id == team.organisation_id)
    )
    if deadline is not None and org_deadline is not None and deadline < org_deadline:
        raise ServiceError(
            f"A team's deadline can only be later than the organisation's ({org_deadline:%d %B %Y}). "
            "Choose a later date, or leave it blank.",
            "team_deadline",
        )
    row = db.session.get(TeamDeadline, team.id)
    if deadline is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(TeamDeadline(team_id=team.id, deadline=deadline))
    else:
        row.deadline, row.set_at = deadline, utcnow()
    db.session.flush()
    log_event(
        "team_deadline.set",
        actor,
        team,
        organisation_id=team.organisation_id,
        deadline=deadline.isoformat() if deadline else None,
    )


@dataclass
class ReminderResult:
    sent: list[User] = field(default_factory=list)
    throttled: list[tuple[User, dt.datetime]] = field(default_factory=list)  # (person, when last reminded)


def send_reminders(actor: User, team: Team, user_ids: set[int], now: dt.datetime | None = None) -> ReminderResult:
    """Email a reminder to each chosen member of the team, unless they had one in the last week."""
    now = now or utcnow()
    people = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team.id, User.id.in_(user_ids or [-1]), User.deactivated_at.is_(None))
        .order_by(User.name)
    ).all()
    if not people:
        raise ServiceError("Choose at least one person in this team to remind.", "people")
    last = dict(
        db.session.execute(
            select(Reminder.user_id, func.max(Reminder.sent_at))
            .where(Reminder.user_id.in_([p.id for p in people]))
            .group_by(Reminder.user_id)
        ).all()
    )
    result = ReminderResult()
    link = mail.external_url("learning.programme")
    for person in people:
        previous = last.get(person.id)
        if previous is not None and now - previous < REMINDER_INTERVAL:
            result.throttled.append((person, previous))
            continue
        db.session.add(Reminder(user_id=person.id, team_id=team.id, sent_by_id=actor.id, sent_at=now))
        mail.send(
            person.email,
            "A reminder about your EQUIP training",
            f"Hello {person.name},\n\n{actor.name}, a manager of {team.name}, has sent you a reminder to "
            f"carry on with your EQUIP training (involving service users and carers in care planning).\n\n"
            f"Your programme: {link}\n\n"
            + (
                "You have not set your password yet: use the invitation we sent you, or ask for a new "
                "one from the sign-in page.\n"
                if not person.has_password
                else ""
            ),
        )
        log_event("reminder.sent", actor, person, organisation_id=team.organisation_id, team_id=team.id)
        result.sent.append(person)
    db.session.flush()
    return result
