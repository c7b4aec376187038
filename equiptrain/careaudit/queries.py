"""Read-only queries for the care-plan audit pages: the teams a person audits, a team's rounds, a round's plans,
and the team report (a fixed number of queries each, whatever the number of plans)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from equiptrain.accounts.models import Membership, MembershipRole, Team, User
from equiptrain.careaudit import agreement, sampling
from equiptrain.careaudit.models import AuditedPlan, AuditRound, PlanScore, RoundKind
from equiptrain.content.models import AuditCriterion
from equiptrain.extensions import db
from equiptrain.workshops.queries import delivered_team_ids


def teams_for(user: User) -> list[Team]:
    """The teams whose audit the person runs: all teams for a platform admin; their organisation's for its
    admins; the teams they manage; the teams they deliver workshops to, as a trainer of the same organisation."""
    if user.is_guest:
        return []
    q = select(Team).options(selectinload(Team.organisation)).order_by(Team.name)
    if user.is_platform_admin:
        return list(db.session.scalars(q))
    managed = select(Membership.team_id).where(Membership.user_id == user.id, Membership.role == MembershipRole.MANAGER)
    conditions: list[ColumnElement[bool]] = [Team.id.in_(managed)]
    if user.is_org_admin and user.organisation_id is not None:
        conditions.append(Team.organisation_id == user.organisation_id)
    if user.is_trainer and user.organisation_id is not None:
        conditions.append(Team.id.in_(delivered_team_ids(user.id)) & (Team.organisation_id == user.organisation_id))
    return list(db.session.scalars(q.where(or_(*conditions))))


def rounds_with_counts(team: Team) -> list[tuple[AuditRound, int]]:
    """The team's rounds, oldest first, with how many plans each has (one query)."""
    rows = db.session.execute(
        select(AuditRound, func.count(AuditedPlan.id))
        .outerjoin(AuditedPlan, (AuditedPlan.round_id == AuditRound.id) & AuditedPlan.second_of_id.is_(None))
        .where(AuditRound.team_id == team.id)
        .group_by(AuditRound.id)
        .order_by(AuditRound.starts_on, AuditRound.id)
    ).all()
    return [(r, n) for r, n in rows]


def round_plans(round_: AuditRound) -> list[AuditedPlan]:
    """A round's plans with auditor, co-auditors and scores (a fixed number of queries)."""
    return list(
        db.session.scalars(
            select(AuditedPlan)
            .where(AuditedPlan.round_id == round_.id)
            .options(
                selectinload(AuditedPlan.auditor),
                selectinload(AuditedPlan.co_auditors),
                selectinload(AuditedPlan.scores),
            )
            .order_by(AuditedPlan.id)
        )
    )


def report(team: Team) -> dict:
    """Each criterion's share of plans met (scored 2) in each round of at least MIN_GROUP_SIZE plans, and the
    change from the first such baseline to the last such follow-up. Smaller rounds are listed with how many more
    plans they need."""
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    rounds = rounds_with_counts(team)
    shown = [(r, n) for r, n in rounds if n >= minimum]
    waiting = [(r, n, minimum - n) for r, n in rounds if n < minimum]
    cells: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: {0: 0, 1: 0, 2: 0})
    if shown:
        for round_id, criterion_id, score, n in db.session.execute(
            select(AuditedPlan.round_id, PlanScore.criterion_id, PlanScore.score, func.count())
            .join(PlanScore, PlanScore.plan_id == AuditedPlan.id)
            .where(AuditedPlan.round_id.in_([r.id for r, _ in shown]), AuditedPlan.second_of_id.is_(None))
            .group_by(AuditedPlan.round_id, PlanScore.criterion_id, PlanScore.score)
        ):
            cells[(round_id, criterion_id)][score] = n
    scored = {criterion_id for _, criterion_id in cells}
    criteria = list(
        db.session.scalars(
            select(AuditCriterion)
            .where(or_(AuditCriterion.retired_at.is_(None), AuditCriterion.id.in_(scored or {0})))
            .order_by(AuditCriterion.position)
        )
    )
    rows: list[dict[str, Any]] = []
    for c in criteria:
        row: dict[str, Any] = {"criterion": c, "cells": []}
        for r, _ in shown:
            counts = cells.get((r.id, c.id))
            total = sum(counts.values()) if counts else 0
            row["cells"].append(
                {
                    "round": r,
                    "n": total,
                    "met": counts[2] if counts else 0,
                    "partly": counts[1] if counts else 0,
                    "share": round(100 * counts[2] / total) if counts and total else None,
                }
            )
        rows.append(row)
    baseline = next((i for i, (r, _) in enumerate(shown) if r.kind is RoundKind.BASELINE), None)
    follow_up = next((i for i, (r, _) in reversed(list(enumerate(shown))) if r.kind is RoundKind.FOLLOW_UP), None)
    # The two rounds compared (their positions in `shown`), when there is a follow-up after the baseline.
    compared = (
        (baseline, follow_up) if baseline is not None and follow_up is not None and follow_up > baseline else None
    )
    for row in rows:
        before = row["cells"][compared[0]]["share"] if compared else None
        after = row["cells"][compared[1]]["share"] if compared else None
        row["change"] = after - before if before is not None and after is not None else None
    return {
        "minimum": minimum,
        "agreement": team_agreement(team, rounds),
        "closed": [r for r, _ in rounds if not r.is_open],
        "rounds": shown,
        "waiting": waiting,
        "rows": rows,
        "baseline": shown[compared[0]][0] if compared else None,
        "follow_up": shown[compared[1]][0] if compared else None,
    }


def _doubles(round_ids: list[int]) -> dict[int, list[dict[str, tuple[int, int]]]]:
    """Per round, the double-scored plans: criterion slug -> (first auditor's score, second's). One query."""
    if not round_ids:
        return {}
    second = aliased(AuditedPlan)
    first_score, second_score = aliased(PlanScore), aliased(PlanScore)
    rows = db.session.execute(
        select(AuditedPlan.round_id, second.id, AuditCriterion.slug, first_score.score, second_score.score)
        .join(second, second.second_of_id == AuditedPlan.id)
        .join(first_score, first_score.plan_id == AuditedPlan.id)
        .join(
            second_score,
            (second_score.plan_id == second.id) & (second_score.criterion_id == first_score.criterion_id),
        )
        .join(AuditCriterion, AuditCriterion.id == first_score.criterion_id)
        .where(AuditedPlan.round_id.in_(round_ids))
    ).all()
    plans: dict[int, dict[int, dict[str, tuple[int, int]]]] = defaultdict(dict)
    for round_id, pair_id, slug, a, b in rows:
        plans[round_id].setdefault(pair_id, {})[slug] = (a, b)
    return {rid: list(by_pair.values()) for rid, by_pair in plans.items()}


def team_agreement(team: Team, rounds: list[tuple[AuditRound, int]] | None = None) -> dict:
    """Agreement per round when a round has enough double-scored plans, and pooled across the team's rounds."""
    rounds = rounds if rounds is not None else rounds_with_counts(team)
    doubles = _doubles([r.id for r, _ in rounds])
    titles = dict(db.session.execute(select(AuditCriterion.slug, AuditCriterion.title)).all())
    per_round = [
        (r, agreement.agreement(doubles[r.id], titles, pooled=False))
        for r, _ in rounds
        if len(doubles.get(r.id, [])) >= agreement.MIN_PLANS
    ]
    pooled = agreement.agreement([d for ds in doubles.values() for d in ds], titles, pooled=True)
    return {"per_round": per_round, "pooled": pooled}


def double_status(round_: AuditRound) -> dict[int, str]:
    """For each sampled position: "to do", "first scored" (waiting for the blind second), "done"."""
    rows = db.session.execute(
        select(AuditedPlan.sample_position, AuditedPlan.second_of_id).where(
            AuditedPlan.round_id == round_.id, AuditedPlan.sample_position.is_not(None)
        )
    ).all()
    firsts = {p for p, second in rows if second is None}
    seconds = {p for p, second in rows if second is not None}
    double = set(double_positions(round_))
    status = {}
    for p in round_.sample_positions or []:
        if p in seconds or (p in firsts and p not in double):
            status[p] = "done"
        elif p in firsts:
            status[p] = "first scored"
        else:
            status[p] = "to do"
    return status


def double_positions(round_: AuditRound) -> list[int]:
    """The sampled positions scored twice, blind (drawn again from the round's seed)."""
    sample = sample_of(round_)
    return list(sample.double) if sample else []


def sample_of(round_: AuditRound) -> sampling.Sample | None:
    if not round_.sample_seed or not round_.caseload_size or not round_.sample_size:
        return None
    return sampling.draw(round_.caseload_size, round_.sample_size, round_.double_share, round_.sample_seed)
