"""Read-only queries for the workshop pages and reports (a fixed number of queries each)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import GuestAccess, Membership, Team, User
from equiptrain.content.models import CoreDay
from equiptrain.content.rules import supervision_sessions_required
from equiptrain.db import Base, utcnow
from equiptrain.extensions import db
from equiptrain.trainers.models import TrainerKind, TrainerProfile
from equiptrain.workshops import models
from equiptrain.workshops.models import (
    Attendance,
    AttendanceStatus,
    CoDeliveryOverride,
    Facilitator,
    Invitation,
    Reply,
    TrainerSupport,
    Workshop,
    WorkshopKind,
    WorkshopResult,
    WorkshopStatus,
    workshop_modules,
    workshop_teams,
)
from equiptrain.workshops.uktime import to_uk

_LOAD = (
    selectinload(Workshop.modules),
    selectinload(Workshop.teams),
    selectinload(Workshop.sessions),
    selectinload(Workshop.facilitators).selectinload(Facilitator.user).selectinload(User.trainer_profile),
)


def my_workshops(user) -> dict:
    """Invitations (with replies), workshops the person facilitates, and, for admins, all of the organisation's."""
    invitations = db.session.scalars(
        select(Invitation)
        .join(Workshop)
        .where(Invitation.user_id == user.id, Workshop.status != WorkshopStatus.DRAFT)
        .options(selectinload(Invitation.workshop).options(*_LOAD))
        .order_by(Workshop.starts_at.desc())
    ).all()
    facilitating = db.session.scalars(
        select(Workshop)
        .join(Facilitator)
        .where(Facilitator.user_id == user.id)
        .options(*_LOAD)
        .order_by(Workshop.starts_at.desc())
    ).all()
    organisation: Sequence[Workshop] = []
    if user.is_admin:
        q = select(Workshop).options(*_LOAD).order_by(Workshop.starts_at.desc())
        if not user.is_platform_admin:
            q = q.where(Workshop.organisation_id == user.organisation_id)
        organisation = db.session.scalars(q).all()
    now = utcnow()
    return {
        "upcoming": [i for i in invitations if i.workshop.ends_at >= now],
        "past": [i for i in invitations if i.workshop.ends_at < now],
        "facilitating": facilitating,
        "organisation": organisation,
    }


def upcoming(user, limit: int = 3) -> dict:
    """The next few workshops the person is invited to and the next few they facilitate (2 queries)."""
    now = utcnow()
    invitations = db.session.scalars(
        select(Invitation)
        .join(Workshop)
        .where(Invitation.user_id == user.id, Workshop.status != WorkshopStatus.DRAFT, Workshop.ends_at >= now)
        .options(selectinload(Invitation.workshop).selectinload(Workshop.sessions))
        .order_by(Workshop.starts_at)
        .limit(limit)
    ).all()
    facilitating = db.session.scalars(
        select(Workshop)
        .join(Facilitator)
        .where(Facilitator.user_id == user.id, Workshop.ends_at >= now)
        .options(selectinload(Workshop.sessions))
        .order_by(Workshop.starts_at)
        .limit(limit)
    ).all()
    return {"invitations": invitations, "facilitating": facilitating}


def invitation_counts(workshop: Workshop) -> dict[str, int]:
    """Replies counted by kind, plus "offered": waiting-list places offered and not yet confirmed (one query)."""
    offered = Invitation.offer_expires_at.is_not(None)
    rows = db.session.execute(
        select(Invitation.reply, offered, func.count())
        .where(Invitation.workshop_id == workshop.id)
        .group_by(Invitation.reply, offered)
    ).all()
    counts: dict[str, int] = {}
    for reply, is_offer, n in rows:
        counts[reply.value] = counts.get(reply.value, 0) + n
        if is_offer:
            counts["offered"] = counts.get("offered", 0) + n
    return counts


def overrides(organisation_id: int | None) -> list[CoDeliveryOverride]:
    q = (
        select(CoDeliveryOverride)
        .join(Workshop)
        .options(selectinload(CoDeliveryOverride.workshop), selectinload(CoDeliveryOverride.by))
    )
    if organisation_id is not None:
        q = q.where(Workshop.organisation_id == organisation_id)
    return list(db.session.scalars(q.order_by(CoDeliveryOverride.created_at.desc())))


def _ids(user_ids):
    """A SELECT of ids as it is (the database reads it as a subquery), anything else as a list."""
    return user_ids if isinstance(user_ids, Select) else list(user_ids)


def core_attendance(user_ids) -> dict[int, dt.datetime]:
    """Who among `user_ids` attended the core, and when (the end of the first core workshop they attended), in one
    query. "Attended the core" is the multi-session rule: every session of a core workshop, or at least
    WORKSHOP_ATTENDANCE_SHARE of them, established when the workshop's last session register was signed off
    (`WorkshopResult.attended`). People who did not attend are absent from the result."""
    ids = _ids(user_ids)
    if not isinstance(ids, Select) and not ids:
        return {}
    return dict(
        db.session.execute(
            select(WorkshopResult.user_id, func.min(Workshop.ends_at))
            .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
            .where(
                WorkshopResult.user_id.in_(ids), WorkshopResult.attended.is_(True), Workshop.kind == WorkshopKind.CORE
            )
            .group_by(WorkshopResult.user_id)
        ).all()
    )


def core_completed(user_ids) -> dict[int, dt.datetime]:
    """When each of `user_ids` who attended the core last completed or renewed it (one query): the end of the
    latest core workshop they came to (any of its days, once its last register is signed off), for those who
    attended a core in full at some time (`core_attendance`). Expiry counts from this date, so attending a core
    day (or a catch-up, run as a short core workshop) again renews it."""
    ids = _ids(user_ids)
    if not isinstance(ids, Select) and not ids:
        return {}
    full = (
        select(WorkshopResult.user_id)
        .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
        .where(WorkshopResult.attended.is_(True), Workshop.kind == WorkshopKind.CORE)
    )
    return dict(
        db.session.execute(
            select(WorkshopResult.user_id, func.max(Workshop.ends_at))
            .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
            .where(
                WorkshopResult.user_id.in_(ids),
                WorkshopResult.user_id.in_(full),
                WorkshopResult.sessions_attended > 0,
                Workshop.kind == WorkshopKind.CORE,
            )
            .group_by(WorkshopResult.user_id)
        ).all()
    )


def facilitates_module(user, module_id: int) -> bool:
    """Whether the person facilitates (or facilitated) a workshop covering the module: for `learning.facts`, so a
    trainer delivering it may preview the module."""
    return (
        db.session.scalar(
            select(Facilitator.id)
            .join(workshop_modules, workshop_modules.c.workshop_id == Facilitator.workshop_id)
            .where(Facilitator.user_id == user.id, workshop_modules.c.module_id == module_id)
            .limit(1)
        )
        is not None
    )


def follow_ups_attended(user_ids) -> dict[int, int]:
    """How many follow-up workshops (team supervision and boosters) each of `user_ids` attended, under the same
    multi-session rule as the core; people with none are absent from the result (one query)."""
    ids = _ids(user_ids)
    if not isinstance(ids, Select) and not ids:
        return {}
    return dict(
        db.session.execute(
            select(WorkshopResult.user_id, func.count(WorkshopResult.id))
            .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
            .where(
                WorkshopResult.user_id.in_(ids), WorkshopResult.attended.is_(True), Workshop.kind != WorkshopKind.CORE
            )
            .group_by(WorkshopResult.user_id)
        ).all()
    )


def team_training(organisation_id: int) -> list[dict]:
    """Per team: active members, how many of them attended the core (every session, or WORKSHOP_ATTENDANCE_SHARE of
    them, of a core workshop the team was invited to), whether enough came (TEAM_TRAINED_SHARE), the supervision
    sessions held, whether the team counts as trained (enough came and programme.yaml's supervision rule is met)
    and whether a follow-up is due (enough came, none scheduled)."""
    share = float(current_app.config["TEAM_TRAINED_SHARE"])
    required = supervision_sessions_required()
    teams = db.session.scalars(select(Team).where(Team.organisation_id == organisation_id).order_by(Team.name)).all()
    members = dict(
        db.session.execute(
            select(Membership.team_id, func.count(Membership.id))
            .join(User)
            .where(User.deactivated_at.is_(None), User.university.is_(None))  # students on placement apart
            .group_by(Membership.team_id)
        ).all()
    )
    attended = dict(
        db.session.execute(
            select(Membership.team_id, func.count(func.distinct(WorkshopResult.user_id)))
            .join(User, User.id == Membership.user_id)
            .join(WorkshopResult, WorkshopResult.user_id == Membership.user_id)
            .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
            .join(
                workshop_teams,
                (workshop_teams.c.workshop_id == Workshop.id) & (workshop_teams.c.team_id == Membership.team_id),
            )
            .where(Workshop.kind == WorkshopKind.CORE, WorkshopResult.attended.is_(True), User.deactivated_at.is_(None))
            .group_by(Membership.team_id)
        ).all()
    )
    follow_ups = defaultdict(list)
    for team_id, w in db.session.execute(
        select(workshop_teams.c.team_id, Workshop)
        .join(Workshop, Workshop.id == workshop_teams.c.workshop_id)
        .where(Workshop.kind != WorkshopKind.CORE, Workshop.status != WorkshopStatus.CANCELLED)
    ).all():
        follow_ups[team_id].append(w)
    result = []
    for team in teams:
        n, came = members.get(team.id, 0), attended.get(team.id, 0)
        core_done = n > 0 and came / n >= share
        held = sum(w.kind is WorkshopKind.SUPERVISION and w.signed_off_at is not None for w in follow_ups[team.id])
        result.append(
            {
                "team": team,
                "members": n,
                "attended": came,
                "core_done": core_done,
                "supervision_held": held,
                "supervision_required": required,
                "trained": core_done and held >= required,
                "follow_ups": follow_ups[team.id],
                "follow_up_due": core_done and not follow_ups[team.id],
            }
        )
    return result


def lived_experience_sessions(organisation_id: int | None, trainer_id: int | None = None) -> list[dict]:
    """Sessions each lived-experience trainer facilitated, with preparation time and payment status."""
    q = (
        select(Facilitator, TrainerSupport)
        .join(Workshop, Workshop.id == Facilitator.workshop_id)
        .join(User, User.id == Facilitator.user_id)
        .join(TrainerProfile, TrainerProfile.user_id == User.id)
        .outerjoin(
            TrainerSupport,
            (TrainerSupport.workshop_id == Facilitator.workshop_id)
            & (TrainerSupport.trainer_id == Facilitator.user_id),
        )
        .where(TrainerProfile.kind != TrainerKind.PROFESSIONAL, Workshop.status == WorkshopStatus.PUBLISHED)
        .options(selectinload(Facilitator.workshop), selectinload(Facilitator.user))
        .order_by(User.name, Workshop.starts_at)
    )
    if organisation_id is not None:
        q = q.where(Workshop.organisation_id == organisation_id)
    if trainer_id is not None:
        q = q.where(Facilitator.user_id == trainer_id)
    return [{"trainer": f.user, "workshop": f.workshop, "support": s} for f, s in db.session.execute(q).all()]


def personal_data(user) -> dict[str, list]:
    """This feature's section of the person's subject access download: the rows of every workshop table with a
    column pointing at them (invitations, attendance, facilitating, role-play roles, support records...)."""
    section = {}
    for model in vars(models).values():
        if not (isinstance(model, type) and issubclass(model, Base) and model.__module__ == models.__name__):
            continue
        columns = [c for c in model.__table__.c if any(fk.column.table.name == "users" for fk in c.foreign_keys)]
        if columns:
            section[model.__tablename__] = list(
                db.session.scalars(
                    select(model).where(or_(*(c == user.id for c in columns))).order_by(*model.__table__.primary_key)
                )
            )
    return section


# -- what the dashboards read about workshops ---------------------------------------------------------------------
# The dashboards read workshop attendance only through `core_attendance`, `follow_ups_attended` and the two SQL
# forms below, so the rule for what counts as attending lives here. `user_ids` / `team_ids` may be a list of ids
# or a SELECT of one id column (the organisation view passes a subquery rather than 10,000 ids).


def attended_core(user_id_column):
    """The same rule as `core_attendance`, as SQL for one person per row (`user_id_column`, e.g.
    Membership.user_id): true when they attended a core workshop. The organisation view counts with it."""
    return (
        select(WorkshopResult.id)
        .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
        .where(
            WorkshopResult.user_id == user_id_column,
            WorkshopResult.attended.is_(True),
            Workshop.kind == WorkshopKind.CORE,
        )
        .exists()
    )


def attended_follow_up(user_id_column):
    """The same rule as `follow_ups_attended`, as SQL: true when the person attended at least one follow-up."""
    return (
        select(WorkshopResult.id)
        .join(Workshop, Workshop.id == WorkshopResult.workshop_id)
        .where(
            WorkshopResult.user_id == user_id_column,
            WorkshopResult.attended.is_(True),
            Workshop.kind != WorkshopKind.CORE,
        )
        .exists()
    )


def team_workshops(team_ids) -> dict[int, dict[str, int]]:
    """{team_id: {"held": workshops the team was invited to whose register was signed off,
    "follow_ups": follow-ups scheduled or held for the team (not cancelled),
    "supervision_held": team supervision workshops held (register signed off)}}."""
    rows: Sequence[tuple[int, int, int, int]] = db.session.execute(
        select(
            workshop_teams.c.team_id,
            func.count(Workshop.id).filter(Workshop.signed_off_at.is_not(None)),
            func.count(Workshop.id).filter(Workshop.kind != WorkshopKind.CORE),
            func.count(Workshop.id).filter(
                Workshop.kind == WorkshopKind.SUPERVISION, Workshop.signed_off_at.is_not(None)
            ),
        )
        .join(Workshop, Workshop.id == workshop_teams.c.workshop_id)
        .where(workshop_teams.c.team_id.in_(team_ids), Workshop.status != WorkshopStatus.CANCELLED)
        .group_by(workshop_teams.c.team_id)
    ).all()
    return {
        team_id: {"held": held, "follow_ups": follow_ups, "supervision_held": supervised}
        for team_id, held, follow_ups, supervised in rows
    }


def delivery_summary(organisation_id: int) -> dict[str, int]:
    """Workshops delivered (register signed off) by the organisation; how many had a lived-experience trainer
    among their facilitators, and how many were published with a co-delivery override."""
    lived = (
        select(Facilitator.id)
        .join(TrainerProfile, TrainerProfile.user_id == Facilitator.user_id)
        .where(Facilitator.workshop_id == Workshop.id, TrainerProfile.kind != TrainerKind.PROFESSIONAL)
        .exists()
    )
    overridden = select(CoDeliveryOverride.id).where(CoDeliveryOverride.workshop_id == Workshop.id).exists()
    delivered, co_delivered, with_override = db.session.execute(
        select(
            func.count(Workshop.id), func.count(Workshop.id).filter(lived), func.count(Workshop.id).filter(overridden)
        ).where(Workshop.organisation_id == organisation_id, Workshop.signed_off_at.is_not(None))
    ).one()
    return {"delivered": delivered, "co_delivered": co_delivered, "overridden": with_override}


def financial_year(day: dt.date) -> int:
    """The NHS financial year a day falls in, by the year it starts (1 April to 31 March)."""
    return day.year if day.month >= 4 else day.year - 1


def payment_totals(sessions: list[dict]) -> list[tuple[int, int, int]]:
    """(financial year, pence paid, sessions paid) for each year with a payment, latest first."""
    totals: dict[int, list[int]] = {}
    for s in sessions:
        support = s["support"]
        if support is None or support.paid_at is None or support.amount_pence is None:
            continue
        year = financial_year(to_uk(support.paid_at).date())
        entry = totals.setdefault(year, [0, 0])
        entry[0] += support.amount_pence
        entry[1] += 1
    return [(year, pence, count) for year, (pence, count) in sorted(totals.items(), reverse=True)]


PAYMENT_HEADER = [
    "Trainer",
    "Email",
    "Trainer kind",
    "Workshop",
    "Workshop date",
    "Preparation minutes",
    "Status",
    "Claimed on",
    "Paid on",
    "Amount (GBP)",
    "Financial year",
]


def payment_rows(organisation_id: int | None) -> list[list]:
    """One row per lived-experience trainer and workshop, for finance (dates in UK time)."""
    rows = []
    for s in lived_experience_sessions(organisation_id):
        trainer, workshop, support = s["trainer"], s["workshop"], s["support"]
        paid = to_uk(support.paid_at).date() if support and support.paid_at else None
        rows.append(
            [
                trainer.name,
                trainer.email,
                trainer.trainer_profile.kind.label if trainer.trainer_profile else "",
                workshop.title,
                to_uk(workshop.starts_at).date().isoformat(),
                support.preparation_minutes if support else 0,
                support.payment_status.label if support else "Not claimed",
                to_uk(support.claimed_at).date().isoformat() if support and support.claimed_at else "",
                paid.isoformat() if paid else "",
                f"{support.amount_pence / 100:.2f}" if support and support.amount_pence is not None else "",
                f"{financial_year(paid)}-{(financial_year(paid) + 1) % 100:02d}" if paid else "",
            ]
        )
    return rows


# -- the teams a trainer delivers to -----------------------------------------------------------------------------


def delivered_team_ids(user_id: int) -> Select:
    """The ids of the teams invited to a (published or past) workshop the person facilitates: the teams a trainer
    delivers to, whose care-plan audit and supervision they take part in."""
    return (
        select(workshop_teams.c.team_id)
        .join(Workshop, Workshop.id == workshop_teams.c.workshop_id)
        .join(Facilitator, Facilitator.workshop_id == Workshop.id)
        .where(Facilitator.user_id == user_id, Workshop.status != WorkshopStatus.DRAFT)
    )


def delivers_to(user: User, team: Team) -> bool:
    """A trainer of the team's organisation facilitating a (published or past) workshop the team is invited to."""
    if not user.is_trainer or user.organisation_id != team.organisation_id:
        return False
    ids = delivered_team_ids(user.id).where(workshop_teams.c.team_id == team.id)
    return bool(db.session.scalar(select(exists(ids))))


# -- guests --------------------------------------------------------------------------------------------------------


def guest_counts(organisation_id: int) -> list[dict]:
    """Per workshop of the organisation that had guests: invited, attending and attended (one query)."""
    attended = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY]
    rows = db.session.execute(
        select(
            Workshop,
            func.count(GuestAccess.id),
            func.count(Invitation.id).filter(Invitation.reply == Reply.ATTENDING),
            func.count(Attendance.id).filter(Attendance.status.in_(attended)),
        )
        .join(GuestAccess, GuestAccess.workshop_id == Workshop.id)
        .outerjoin(Invitation, (Invitation.user_id == GuestAccess.user_id) & (Invitation.workshop_id == Workshop.id))
        .outerjoin(Attendance, (Attendance.user_id == GuestAccess.user_id) & (Attendance.workshop_id == Workshop.id))
        .where(Workshop.organisation_id == organisation_id)
        .group_by(Workshop.id)
        .order_by(Workshop.starts_at.desc())
    ).all()
    return [{"workshop": w, "invited": n, "attending": attending, "attended": came} for w, n, attending, came in rows]


def guest_attendance_result(user: User, workshop: Workshop) -> WorkshopResult | None:
    """The guest's settled attendance of `workshop` (its last register signed off, at least one session
    attended), or None. A guest's certificate is one of attendance: CPD hours are the hours of the sessions they
    came to, whatever the staff completion rules."""
    if workshop.signed_off_at is None:
        return None
    result = db.session.scalar(
        select(WorkshopResult).where(WorkshopResult.workshop_id == workshop.id, WorkshopResult.user_id == user.id)
    )
    return result if result is not None and result.sessions_attended > 0 else None


def core_days() -> list[CoreDay]:
    """The core days as content (course_content/core/), in day order (one query)."""
    return list(db.session.scalars(select(CoreDay).where(CoreDay.retired_at.is_(None)).order_by(CoreDay.day)))
