"""Read-only queries for the care-plan audit pages: the teams a person audits, a team's rounds, a round's plans,
and the team report (a fixed number of queries each, whatever the number of plans)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import Membership, MembershipRole, Team, User
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
        .outerjoin(AuditedPlan, AuditedPlan.round_id == AuditRound.id)
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
            .where(AuditedPlan.round_id.in_([r.id for r, _ in shown]))
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
        "rounds": shown,
        "waiting": waiting,
        "rows": rows,
        "baseline": shown[compared[0]][0] if compared else None,
        "follow_up": shown[compared[1]][0] if compared else None,
    }
