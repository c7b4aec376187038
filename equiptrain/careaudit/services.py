"""Care-plan audit rules: rounds and their state, and scoring a plan (every criterion, an excerpt only if the
anonymisation guard finds nothing identifying in it). Who may audit a team is in policy.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import Membership, Team, TrainerProfile, User
from equiptrain.auditlog.services import log_event
from equiptrain.authz import can
from equiptrain.careaudit.models import (
    EXCERPT_MAX,
    AuditedPlan,
    AuditRound,
    PlanScore,
    RoundKind,
    RoundState,
)
from equiptrain.content.models import AuditCriterion
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection import guard


def active_criteria() -> list[AuditCriterion]:
    return list(
        db.session.scalars(
            select(AuditCriterion).where(AuditCriterion.retired_at.is_(None)).order_by(AuditCriterion.position)
        )
    )


def co_auditor_choices(team: Team) -> list[User]:
    """Who can co-audit: the team's members and the organisation's trainers (lived-experience trainers among them)."""
    members = select(Membership.user_id).where(Membership.team_id == team.id)
    trainers = (
        select(TrainerProfile.user_id)
        .join(User, User.id == TrainerProfile.user_id)
        .where(User.organisation_id == team.organisation_id)
    )
    return list(
        db.session.scalars(
            select(User)
            .where(User.deactivated_at.is_(None), User.id.in_(members.union(trainers)))
            .options(selectinload(User.trainer_profile))
            .order_by(User.name)
        )
    )


# -- rounds ------------------------------------------------------------------------------------------------------


def create_round(
    actor: User, team: Team, *, label: str, kind: RoundKind, starts_on: dt.date, ends_on: dt.date
) -> AuditRound:
    """Open an audit round for the team."""
    if not can(actor, "audit", team):
        raise ServiceError("Only the team's managers, its trainers and administrators run its care-plan audit.")
    label = (label or "").strip()
    if not label or len(label) > 120:
        raise ServiceError(
            "Give the round a name of up to 120 characters, for example 'Baseline, spring 2027'.", "label"
        )
    if ends_on < starts_on:
        raise ServiceError("The round must end on or after the day it starts. Check the end date.", "ends_on")
    round_ = AuditRound(team=team, label=label, kind=kind, starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id)
    db.session.add(round_)
    db.session.flush()
    log_event("careaudit.round_created", actor, team, round_id=round_.id, kind=kind.value)
    return round_


def close_round(actor: User, round_: AuditRound) -> None:
    if round_.state is RoundState.CLOSED:
        raise ServiceError("This round is already closed.")
    round_.state, round_.closed_at = RoundState.CLOSED, utcnow()
    db.session.flush()
    log_event("careaudit.round_closed", actor, round_.team, round_id=round_.id, plans=len(round_.plans))


def reopen_round(actor: User, round_: AuditRound) -> None:
    if round_.state is RoundState.OPEN:
        raise ServiceError("This round is already open.")
    round_.state, round_.closed_at = RoundState.OPEN, None
    db.session.flush()
    log_event("careaudit.round_reopened", actor, round_.team, round_id=round_.id)


# -- scoring -----------------------------------------------------------------------------------------------------


def excerpt_problem(excerpt: str) -> str | None:
    """Why an excerpt cannot be kept, or None. The anonymisation guard refuses anything that could identify."""
    if len(excerpt) > EXCERPT_MAX:
        return f"Keep the excerpt to {EXCERPT_MAX} characters or fewer; it has {len(excerpt)}."
    found = guard.check(excerpt)
    if found:
        kinds = sorted({m.label for m in found}, key=list(guard.KINDS.values()).index)
        return (
            f"The excerpt looks like it holds {' and '.join(kinds)}. Remove anything that could identify "
            "the person (replace a name with 'the person' or an initial): excerpts must never identify anyone."
        )
    return None


def score_plan(
    actor: User, round_: AuditRound, scores: dict[str, int], *, excerpt: str = "", co_auditors: Sequence[User] = ()
) -> AuditedPlan:
    """Record one care plan's scores (criterion slug -> 0, 1 or 2, every active criterion), all or nothing."""
    if not can(actor, "audit", round_.team):
        raise ServiceError("Only the team's managers, its trainers and administrators audit its care plans.")
    if not round_.is_open:
        raise ServiceError("This round is closed. Reopen it to add more plans.")
    criteria = active_criteria()
    if not criteria:
        raise ServiceError("No audit criteria are loaded: an administrator syncs course_content/audit.yaml first.")
    missing = [c.title for c in criteria if scores.get(c.slug) is None]
    if missing:
        raise ServiceError(f"Score every criterion: {'; '.join(missing)} is not scored yet.")
    if any(scores[c.slug] not in (0, 1, 2) for c in criteria):
        raise ServiceError("Each score is 0 (not met), 1 (partly met) or 2 (met).")
    excerpt = (excerpt or "").strip()
    problem = excerpt_problem(excerpt) if excerpt else None
    if problem:
        raise ServiceError(problem, "excerpt")
    allowed = {u.id for u in co_auditor_choices(round_.team)}
    if any(u.id not in allowed or u.id == actor.id for u in co_auditors):
        raise ServiceError(
            "Co-auditors are members of the team or trainers of the organisation, other than you.", "co_auditors"
        )
    plan = AuditedPlan(
        round=round_,
        auditor_id=actor.id,
        excerpt=excerpt or None,
        co_auditors=list(co_auditors),
        scores=[PlanScore(criterion_id=c.id, score=scores[c.slug]) for c in criteria],
    )
    db.session.add(plan)
    db.session.flush()
    log_event("careaudit.plan_scored", actor, round_.team, round_id=round_.id, plan_id=plan.id)
    return plan
