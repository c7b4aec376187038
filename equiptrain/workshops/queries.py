"""Read-only queries for the workshop pages and reports (a fixed number of queries each)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import Membership, Team, TrainerKind, TrainerProfile, User
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.workshops.models import (Attendance, AttendanceStatus, CoDeliveryOverride, Facilitator, Invitation,
                                         TrainerModule, TrainerSupport, Workshop, WorkshopKind, WorkshopStatus,
                                         workshop_teams)

_LOAD = (selectinload(Workshop.modules), selectinload(Workshop.teams),
         selectinload(Workshop.facilitators).selectinload(Facilitator.user).selectinload(User.trainer_profile))


def my_workshops(user) -> dict:
    """Invitations (with replies), workshops the person facilitates, and, for admins, all of the organisation's."""
    invitations = db.session.scalars(select(Invitation).join(Workshop).where(
        Invitation.user_id == user.id, Workshop.status != WorkshopStatus.DRAFT)
        .options(selectinload(Invitation.workshop).options(*_LOAD)).order_by(Workshop.starts_at.desc())).all()
    facilitating = db.session.scalars(select(Workshop).join(Facilitator).where(Facilitator.user_id == user.id)
                                      .options(*_LOAD).order_by(Workshop.starts_at.desc())).all()
    organisation = []
    if user.is_admin:
        q = select(Workshop).options(*_LOAD).order_by(Workshop.starts_at.desc())
        if not user.is_platform_admin:
            q = q.where(Workshop.organisation_id == user.organisation_id)
        organisation = db.session.scalars(q).all()
    now = utcnow()
    return {"upcoming": [i for i in invitations if i.workshop.ends_at >= now],
            "past": [i for i in invitations if i.workshop.ends_at < now],
            "facilitating": facilitating, "organisation": organisation}


def upcoming(user, limit: int = 3) -> dict:
    """The next few workshops the person is invited to and the next few they facilitate (2 queries)."""
    now = utcnow()
    invitations = db.session.scalars(select(Invitation).join(Workshop).where(
        Invitation.user_id == user.id, Workshop.status != WorkshopStatus.DRAFT, Workshop.ends_at >= now)
        .options(selectinload(Invitation.workshop)).order_by(Workshop.starts_at).limit(limit)).all()
    facilitating = db.session.scalars(select(Workshop).join(Facilitator).where(
        Facilitator.user_id == user.id, Workshop.ends_at >= now).order_by(Workshop.starts_at).limit(limit)).all()
    return {"invitations": invitations, "facilitating": facilitating}


def load_workshop(workshop_id: int) -> Workshop | None:
    return db.session.scalar(select(Workshop).where(Workshop.id == workshop_id).options(*_LOAD))


def invitation_counts(workshop: Workshop) -> dict[str, int]:
    rows = db.session.execute(select(Invitation.reply, func.count()).where(Invitation.workshop_id == workshop.id)
                              .group_by(Invitation.reply)).all()
    return {reply.value: n for reply, n in rows}


def overrides(organisation_id: int | None) -> list[CoDeliveryOverride]:
    q = select(CoDeliveryOverride).join(Workshop).options(selectinload(CoDeliveryOverride.workshop),
                                                          selectinload(CoDeliveryOverride.by))
    if organisation_id is not None:
        q = q.where(Workshop.organisation_id == organisation_id)
    return list(db.session.scalars(q.order_by(CoDeliveryOverride.created_at.desc())))


def team_training(organisation_id: int) -> list[dict]:
    """Per team: members, how many attended a signed-off core workshop the team was invited to, whether the
    team counts as trained (TEAM_TRAINED_SHARE), and whether a follow-up is due (trained, none scheduled)."""
    share = float(current_app.config["TEAM_TRAINED_SHARE"])
    teams = db.session.scalars(select(Team).where(Team.organisation_id == organisation_id).order_by(Team.name)).all()
    members = dict(db.session.execute(select(Membership.team_id, func.count(Membership.id)).join(User).where(
        User.deactivated_at.is_(None)).group_by(Membership.team_id)).all())
    attended = dict(db.session.execute(
        select(Membership.team_id, func.count(func.distinct(Attendance.user_id)))
        .join(Attendance, Attendance.user_id == Membership.user_id)
        .join(Workshop, Workshop.id == Attendance.workshop_id)
        .join(workshop_teams, (workshop_teams.c.workshop_id == Workshop.id)
              & (workshop_teams.c.team_id == Membership.team_id))
        .where(Workshop.kind == WorkshopKind.CORE, Workshop.signed_off_at.is_not(None),
               Attendance.status.in_([AttendanceStatus.PRESENT, AttendanceStatus.LATE,
                                      AttendanceStatus.LEFT_EARLY]))
        .group_by(Membership.team_id)).all())
    follow_ups = defaultdict(list)
    for team_id, w in db.session.execute(select(workshop_teams.c.team_id, Workshop).join(
            Workshop, Workshop.id == workshop_teams.c.workshop_id).where(
            Workshop.kind != WorkshopKind.CORE, Workshop.status != WorkshopStatus.CANCELLED)).all():
        follow_ups[team_id].append(w)
    result = []
    for team in teams:
        n, came = members.get(team.id, 0), attended.get(team.id, 0)
        trained = n > 0 and came / n >= share
        result.append({"team": team, "members": n, "attended": came, "trained": trained,
                       "follow_ups": follow_ups[team.id],
                       "follow_up_due": trained and not follow_ups[team.id]})
    return result


def lived_experience_sessions(organisation_id: int | None, trainer_id: int | None = None) -> list[dict]:
    """Sessions each lived-experience trainer facilitated, with preparation time and payment status."""
    q = (select(Facilitator, TrainerSupport).join(Workshop, Workshop.id == Facilitator.workshop_id)
         .join(User, User.id == Facilitator.user_id).join(TrainerProfile, TrainerProfile.user_id == User.id)
         .outerjoin(TrainerSupport, (TrainerSupport.workshop_id == Facilitator.workshop_id)
                    & (TrainerSupport.trainer_id == Facilitator.user_id))
         .where(TrainerProfile.kind != TrainerKind.PROFESSIONAL, Workshop.status == WorkshopStatus.PUBLISHED)
         .options(selectinload(Facilitator.workshop), selectinload(Facilitator.user))
         .order_by(User.name, Workshop.starts_at))
    if organisation_id is not None:
        q = q.where(Workshop.organisation_id == organisation_id)
    if trainer_id is not None:
        q = q.where(Facilitator.user_id == trainer_id)
    return [{"trainer": f.user, "workshop": f.workshop, "support": s} for f, s in db.session.execute(q).all()]


def trainers(organisation_id: int | None) -> list[User]:
    q = select(User).join(TrainerProfile).options(selectinload(User.trainer_profile)).order_by(User.name)
    if organisation_id is not None:
        q = q.where(or_(User.organisation_id == organisation_id))
    return list(db.session.scalars(q))


def prepared_module_ids(profile_id: int) -> set[int]:
    return set(db.session.scalars(select(TrainerModule.module_id).where(
        TrainerModule.trainer_profile_id == profile_id)))


# -- what the dashboards read about workshops ---------------------------------------------------------------------
# The dashboards read workshop attendance only through these functions, so that the rule for what counts as
# attending can change here (e.g. multi-session workshops with a register per session) without touching them.
# `user_ids` / `team_ids` may be a list of ids or a SELECT of one id column (the dashboards pass a subquery, so
# the organisation view does not send 10,000 ids to the database). Each function runs one query; `attended_*`
# give the same rules as SQL expressions, which the organisation view counts per team inside the database.

_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


def _attended(kind_is_core: bool):
    """The attendances that count: present (or late, or left early) at a workshop whose register was signed off,
    a core workshop or a follow-up (supervision, booster)."""
    return (Workshop.kind == WorkshopKind.CORE if kind_is_core else Workshop.kind != WorkshopKind.CORE,
            Workshop.signed_off_at.is_not(None), Attendance.status.in_(_ATTENDED))


def core_attendance(user_ids) -> dict[int, dt.date]:
    """{user_id: the day they first attended a core workshop whose register was signed off}; absent: never."""
    rows = db.session.execute(select(Attendance.user_id, func.min(Workshop.starts_at))
                              .join(Workshop, Workshop.id == Attendance.workshop_id)
                              .where(Attendance.user_id.in_(user_ids), *_attended(True))
                              .group_by(Attendance.user_id)).all()
    return {user_id: (first.date() if isinstance(first, dt.datetime) else first) for user_id, first in rows}


def follow_ups_attended(user_ids) -> dict[int, int]:
    """{user_id: how many follow-ups (supervision, booster) with a signed-off register they attended}."""
    return dict(db.session.execute(select(Attendance.user_id, func.count(Attendance.id))
                                   .join(Workshop, Workshop.id == Attendance.workshop_id)
                                   .where(Attendance.user_id.in_(user_ids), *_attended(False))
                                   .group_by(Attendance.user_id)).all())


def attended_core(user_id_column):
    """The same rule as `core_attendance`, as SQL for one person per row (`user_id_column`, e.g.
    Membership.user_id): true when they attended a core workshop. The organisation view counts with it."""
    return (select(Attendance.id).join(Workshop, Workshop.id == Attendance.workshop_id)
            .where(Attendance.user_id == user_id_column, *_attended(True)).exists())


def attended_follow_up(user_id_column):
    """The same rule as `follow_ups_attended`, as SQL: true when the person attended at least one follow-up."""
    return (select(Attendance.id).join(Workshop, Workshop.id == Attendance.workshop_id)
            .where(Attendance.user_id == user_id_column, *_attended(False)).exists())


def team_workshops(team_ids) -> dict[int, dict[str, int]]:
    """{team_id: {"held": workshops the team was invited to whose register was signed off,
    "follow_ups": follow-ups scheduled or held for the team (not cancelled)}}."""
    rows = db.session.execute(
        select(workshop_teams.c.team_id,
               func.count(Workshop.id).filter(Workshop.signed_off_at.is_not(None)),
               func.count(Workshop.id).filter(Workshop.kind != WorkshopKind.CORE))
        .join(Workshop, Workshop.id == workshop_teams.c.workshop_id)
        .where(workshop_teams.c.team_id.in_(team_ids), Workshop.status != WorkshopStatus.CANCELLED)
        .group_by(workshop_teams.c.team_id)).all()
    return {team_id: {"held": held, "follow_ups": follow_ups} for team_id, held, follow_ups in rows}


def delivery_summary(organisation_id: int) -> dict[str, int]:
    """Workshops delivered (register signed off) by the organisation; how many had a lived-experience trainer
    among their facilitators, and how many were published with a co-delivery override."""
    lived = (select(Facilitator.id).join(TrainerProfile, TrainerProfile.user_id == Facilitator.user_id)
             .where(Facilitator.workshop_id == Workshop.id, TrainerProfile.kind != TrainerKind.PROFESSIONAL)
             .exists())
    overridden = select(CoDeliveryOverride.id).where(CoDeliveryOverride.workshop_id == Workshop.id).exists()
    delivered, co_delivered, with_override = db.session.execute(
        select(func.count(Workshop.id), func.count(Workshop.id).filter(lived),
               func.count(Workshop.id).filter(overridden))
        .where(Workshop.organisation_id == organisation_id, Workshop.signed_off_at.is_not(None))).one()
    return {"delivered": delivered, "co_delivered": co_delivered, "overridden": with_override}
