"""Read-only figures for the involvement pages: a team's baseline and follow-up rounds of the measure, side by
side with the care-plan audit for the same periods, as a chart and its table. Everything released goes through
`measure_services.result` (closed rounds with at least MIN_GROUP_SIZE responses)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import case, func, select

from equiptrain import charts
from equiptrain.accounts.models import Team
from equiptrain.careaudit import measure_services
from equiptrain.careaudit import queries as audit_queries
from equiptrain.careaudit.measure_models import MeasureRound, MeasureRoundKind
from equiptrain.careaudit.models import AuditedPlan, AuditRound, PlanScore, RoundKind
from equiptrain.extensions import db


@dataclass
class Period:
    label: str  # "Before" or "After"
    measure: measure_services.RoundResult | None = None
    audit_round: AuditRound | None = None
    audit_met: float | None = None  # share of criteria met (scored 2) across the round's plans, in percent
    audit_plans: int = 0


@dataclass
class BeforeAfter:
    periods: list[Period] = field(default_factory=list)
    statements: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    chart: object = None
    citation: str | None = None
    notice: str | None = None
    waiting: list[measure_services.RoundResult] = field(default_factory=list)


def _audit_for(team_rounds: list[AuditRound], kind: RoundKind, measure: MeasureRound | None) -> AuditRound | None:
    """The audit round of the same kind whose dates overlap the measure round's (else the latest of that kind)."""
    same = [r for r in team_rounds if r.kind is kind]
    if measure is not None:
        overlapping = [r for r in same if r.starts_on <= measure.closes_on and measure.opens_on <= r.ends_on]
        if overlapping:
            return overlapping[-1]
    return same[-1] if same else None


def _audit_met(round_ids: list[int]) -> dict[int, tuple[float, int]]:
    if not round_ids:
        return {}
    rows = db.session.execute(
        select(
            AuditedPlan.round_id,
            func.count(func.distinct(AuditedPlan.id)),
            func.sum(case((PlanScore.score == 2, 1), else_=0)),
            func.count(PlanScore.id),
        )
        .join(PlanScore, PlanScore.plan_id == AuditedPlan.id)
        .where(AuditedPlan.round_id.in_(round_ids), AuditedPlan.second_of_id.is_(None))
        .group_by(AuditedPlan.round_id)
    ).all()
    return {rid: (round(100 * (met or 0) / total, 1), plans) for rid, plans, met, total in rows if total}


def before_after(team: Team) -> BeforeAfter:
    out = BeforeAfter()
    rounds = measure_services.team_rounds(team)
    n = measure_services.counts([r.id for r in rounds])
    results = [measure_services.result(r, n.get(r.id, 0)) for r in rounds]
    shown = [res for res in results if res.shown]
    out.waiting = [res for res in results if not res.shown]
    baseline = next((res for res in shown if res.round.kind is MeasureRoundKind.BASELINE), None)
    follow_up = next((res for res in reversed(shown) if res.round.kind is MeasureRoundKind.FOLLOW_UP), None)
    audit_rounds = [r for r, _ in audit_queries.rounds_with_counts(team)]
    before = Period(
        "Before", baseline, _audit_for(audit_rounds, RoundKind.BASELINE, baseline.round if baseline else None)
    )
    after = Period(
        "After", follow_up, _audit_for(audit_rounds, RoundKind.FOLLOW_UP, follow_up.round if follow_up else None)
    )
    met = _audit_met([p.audit_round.id for p in (before, after) if p.audit_round])
    minimum = current_app.config["MIN_GROUP_SIZE"]
    for p in (before, after):
        if p.audit_round and p.audit_round.id in met:
            share, plans = met[p.audit_round.id]
            if plans >= minimum:
                p.audit_met, p.audit_plans = share, plans
    out.periods = [before, after]
    either = baseline or follow_up
    definition = either.round.definition if either is not None else None
    if definition:
        out.citation, out.notice = definition.get("citation"), definition.get("notice")
        b = dict(baseline.groups[0].statements) if baseline else {}
        a = dict(follow_up.groups[0].statements) if follow_up else {}
        out.statements = [(s["text"], b.get(s["text"]), a.get(s["text"])) for s in definition["statements"]]
        high = float(definition["scale"]["max"])
        labels = ["Involvement score (mean, 1 to 5)"] + [t for t, _, _ in out.statements]
        values_b = (baseline.groups[0].score if baseline else None, *(x for _, x, _ in out.statements))
        values_a = (follow_up.groups[0].score if follow_up else None, *(y for _, _, y in out.statements))
        out.chart = charts.bar_chart(
            f"involvement-{team.id}",
            f"Involvement before and after, {team.name}",
            f"Mean answers of service users and carers to each statement, on a scale of 1 to "
            f"{high:g}, at the baseline and the follow-up round. The same figures are in the table.",
            labels,
            [charts.Series("Before", charts.GREY, values_b), charts.Series("After", charts.BLUE, values_a)],
            high=high,
            ticks=[float(t) for t in range(0, int(high) + 1)],
        )
    return out
