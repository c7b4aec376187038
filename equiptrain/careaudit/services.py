"""Care-plan audit rules: rounds and their state, and scoring a plan (every criterion, an excerpt only if the
anonymisation guard finds nothing identifying in it). Who may audit a team is in policy.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import Membership, Team, User
from equiptrain.auditlog.services import log_event
from equiptrain.authz import can
from equiptrain.careaudit import sampling
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
from equiptrain.trainers.models import TrainerProfile


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
        .where(TrainerProfile.ended_at.is_(None), User.organisation_id == team.organisation_id)
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
    actor: User,
    team: Team,
    *,
    label: str,
    kind: RoundKind,
    starts_on: dt.date,
    ends_on: dt.date,
    caseload_size: int | None = None,
    sample_size: int | None = None,
    double_share: int = 20,
) -> AuditRound:
    """Open an audit round for the team; given the caseload list's length and how many plans to audit, the
    platform draws which positions to audit (`sampling`) and records the seed."""
    if not can(actor, "audit", team):
        raise ServiceError("Only the team's managers, its trainers and administrators run its care-plan audit.")
    label = (label or "").strip()
    if not label or len(label) > 120:
        raise ServiceError(
            "Give the round a name of up to 120 characters, for example 'Baseline, spring 2027'.", "label"
        )
    if ends_on < starts_on:
        raise ServiceError("The round must end on or after the day it starts. Check the end date.", "ends_on")
    if (caseload_size is None) != (sample_size is None):
        field = "sample_size" if sample_size is None else "caseload_size"
        raise ServiceError("To draw a sample, give both the caseload list's length and how many plans to audit.", field)
    if caseload_size is not None and not 1 <= caseload_size <= sampling.MAX_CASELOAD:
        raise ServiceError(
            f"Give the caseload list's length as a number from 1 to {sampling.MAX_CASELOAD}.", "caseload_size"
        )
    if sample_size is not None and not 1 <= sample_size <= 200:
        raise ServiceError("Audit between 1 and 200 plans in a round.", "sample_size")
    if not 0 <= double_share <= 100:
        raise ServiceError("The share scored twice is a percentage from 0 to 100.", "double_share")
    round_ = AuditRound(
        team=team,
        label=label,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.id,
        double_share=double_share,
    )
    if caseload_size is not None and sample_size is not None:
        sample = sampling.draw(caseload_size, sample_size, double_share)
        round_.caseload_size, round_.sample_size = caseload_size, sample_size
        round_.sample_seed, round_.sample_positions = sample.seed, sample.sorted_positions
    db.session.add(round_)
    db.session.flush()
    log_event("careaudit.round_created", actor, team, round_id=round_.id, kind=kind.value, seed=round_.sample_seed)
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


def _pairing(actor: User, round_: AuditRound, position: int | None) -> AuditedPlan | None:
    """The first scoring this one is the blind second of, or None; refuses a position not drawn or already done."""
    if not round_.sample_positions:
        return None
    if position is None or position not in round_.sample_positions:
        raise ServiceError(
            "Choose which of the drawn plans this is (its place on the caseload list).", "sample_position"
        )
    earlier = list(
        db.session.scalars(
            select(AuditedPlan).where(AuditedPlan.round_id == round_.id, AuditedPlan.sample_position == position)
        )
    )
    if not earlier:
        return None
    double = (
        position
        in sampling.draw(
            round_.caseload_size or 0, round_.sample_size or 0, round_.double_share, round_.sample_seed
        ).double
    )
    if not double or len(earlier) > 1:
        raise ServiceError(f"The {sampling.ordinal(position)} plan has already been scored.", "sample_position")
    if earlier[0].auditor_id == actor.id:
        raise ServiceError(
            f"You scored the {sampling.ordinal(position)} plan: a second auditor scores it, without seeing yours.",
            "sample_position",
        )
    return earlier[0]


def score_plan(
    actor: User,
    round_: AuditRound,
    scores: dict[str, int],
    *,
    excerpt: str = "",
    co_auditors: Sequence[User] = (),
    sample_position: int | None = None,
) -> AuditedPlan:
    """Record one care plan's scores (criterion slug -> 0, 1 or 2, every active criterion), all or nothing. In a
    sampled round, `sample_position` says which drawn plan it is; a double-scored plan's second scoring is paired
    with the first (neither auditor sees the other's scores until both are in)."""
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
    first = _pairing(actor, round_, sample_position)
    plan = AuditedPlan(
        round=round_,
        auditor_id=actor.id,
        sample_position=sample_position if round_.sample_positions else None,
        second_of_id=first.id if first else None,
        excerpt=excerpt or None,
        co_auditors=list(co_auditors),
        scores=[PlanScore(criterion_id=c.id, score=scores[c.slug]) for c in criteria],
    )
    db.session.add(plan)
    db.session.flush()
    log_event("careaudit.plan_scored", actor, round_.team, round_id=round_.id, plan_id=plan.id)
    return plan
