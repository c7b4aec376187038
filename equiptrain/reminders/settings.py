"""Which scheduled messages an organisation sends (all, unless switched off), its digest weekday, and the people
who opted out of the digest."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.extensions import db
from equiptrain.jobs.models import MessageOptOut, MessageSetting

# category: (label, what it is), in the order the settings page lists them.
MESSAGES = {
    "deadline_reminder": ("Deadline reminders", "To a learner 14 and 3 days before their mandatory training is due."),
    "overdue_reminder": (
        "Overdue reminders",
        "To a learner whose deadline has passed, at most once a week (a manager's reminder counts too).",
    ),
    "manager_digest": ("Managers' weekly digest", "To each team manager on the day chosen below."),
    "expiry_notice": (
        "Expiry notices",
        "To a learner whose completion expires soon, when their refresher opens, and once it has expired; for the "
        "core workshop, their managers too.",
    ),
    "supervision_due": (
        "Supervision due",
        "To the trainers and the manager two weeks before a team supervision session falls due.",
    ),
    "supervision_overdue": (
        "Supervision overdue",
        "To the trainers and the manager when a supervision session has passed its due date unheld.",
    ),
    "workshop_reminder": (
        "Workshop reminders",
        "To everyone attending or delivering a workshop session, the day before, with its calendar invite.",
    ),
}
DIGEST_WEEKDAY = "digest_weekday"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OPTABLE = ("manager_digest",)  # what a person can switch off for themselves


def organisation_settings(organisation_id: int) -> tuple[set[str], int]:
    """(the categories switched off, the digest weekday 0-6) for one organisation (one query)."""
    rows = db.session.scalars(select(MessageSetting).where(MessageSetting.organisation_id == organisation_id)).all()
    off = {r.name for r in rows if r.name in MESSAGES and not r.enabled}
    weekday = next((r.value for r in rows if r.name == DIGEST_WEEKDAY and r.value is not None), 0)
    return off, int(weekday)


def all_switched_off() -> dict[int, set[str]]:
    """organisation id: categories switched off, for every organisation (one query, for the schedule)."""
    out: dict[int, set[str]] = {}
    for org_id, name in db.session.execute(
        select(MessageSetting.organisation_id, MessageSetting.name).where(MessageSetting.enabled.is_(False))
    ):
        out.setdefault(org_id, set()).add(name)
    return out


def save(organisation_id: int, switched_off: set[str], weekday: int) -> None:
    existing = {
        r.name: r
        for r in db.session.scalars(select(MessageSetting).where(MessageSetting.organisation_id == organisation_id))
    }
    for name in MESSAGES:
        row = existing.get(name) or MessageSetting(organisation_id=organisation_id, name=name)
        row.enabled = name not in switched_off
        db.session.add(row)
    row = existing.get(DIGEST_WEEKDAY) or MessageSetting(organisation_id=organisation_id, name=DIGEST_WEEKDAY)
    row.enabled, row.value = True, weekday
    db.session.add(row)
    db.session.flush()


def opted_out(user_ids, category: str) -> set[int]:
    return set(
        db.session.scalars(
            select(MessageOptOut.user_id).where(
                MessageOptOut.user_id.in_(list(user_ids) or [-1]), MessageOptOut.category == category
            )
        )
    )


def set_opt_out(user_id: int, category: str, out: bool) -> None:
    row = db.session.get(MessageOptOut, (user_id, category))
    if out and row is None:
        db.session.add(MessageOptOut(user_id=user_id, category=category))
    elif not out and row is not None:
        db.session.delete(row)
    db.session.flush()
