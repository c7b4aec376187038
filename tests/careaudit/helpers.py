"""Builders for care-plan audit tests: the shipped criteria as rows, rounds, and scored plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from sqlalchemy import select

from equiptrain.careaudit import services
from equiptrain.careaudit.models import RoundKind
from equiptrain.content.models import AuditCriterion
from equiptrain.extensions import db
from tests.careaudit.measure_helpers import open_round

SHIPPED = Path(__file__).resolve().parents[2] / "course_content" / "audit.yaml"


def make_criteria() -> list[AuditCriterion]:
    """The criteria of course_content/audit.yaml as rows (what `content sync` stores), unless already there."""
    existing = list(db.session.scalars(select(AuditCriterion).order_by(AuditCriterion.position)))
    if existing:
        return existing
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    rows = [
        AuditCriterion(
            slug=c["slug"],
            position=n,
            title=c["title"],
            guidance_html=f"<p>{c['guidance']}</p>",
            scores={str(k): v for k, v in c["scores"].items()},
        )
        for n, c in enumerate(data["criteria"], 1)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def make_round(actor, team, kind=RoundKind.BASELINE, label=None):
    start = dt.date(2027, 3, 1) if kind is RoundKind.BASELINE else dt.date(2027, 10, 1)
    round_ = services.create_round(
        actor, team, label=label or kind.label, kind=kind, starts_on=start, ends_on=start + dt.timedelta(days=30)
    )
    db.session.commit()
    return round_


def score_plans(actor, round_, patterns: list[dict[str, int] | int]) -> None:
    """One plan per pattern: a dict of slug -> score (others 0), or one score for every criterion."""
    criteria = make_criteria()
    for pattern in patterns:
        scores = (
            {c.slug: pattern for c in criteria}
            if isinstance(pattern, int)
            else {c.slug: pattern.get(c.slug, 0) for c in criteria}
        )
        services.score_plan(actor, round_, scores)
    db.session.commit()


def access_world(build, world: dict) -> dict:
    """For tests/test_access.py: the criteria, a baseline audit round of the world's team opened by its manager,
    and an open round of the involvement measure."""
    make_criteria()
    return {
        "audit_round": make_round(world["manager"], world["team"]),
        "measure_round": open_round(world["manager"], world["team"]),
    }
