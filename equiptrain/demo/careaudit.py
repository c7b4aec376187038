"""Demo step: the North CMHT's care-plan audit: a closed baseline round before its core workshop and a
follow-up round after supervision, each with enough plans to show, and the change between them. A
lived-experience trainer co-audits with the team manager; excerpts hold no identifiers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app

from equiptrain.careaudit import services
from equiptrain.careaudit.models import RoundKind
from equiptrain.content.sync import sync_course
from equiptrain.db import utcnow
from equiptrain.extensions import db

# One string a plan: its score for each criterion, in audit.yaml's order (own words, action plan, whole person,
# risk narrative, divergent views, advance wishes, carers, usable copy).
BASELINE = ["01100101", "10201001", "01010100", "11100001", "02101000", "10100110", "01200001", "11010100"]
FOLLOW_UP = ["22212112", "21222102", "12121212", "22112122", "21221012", "22212221", "12212112"]
EXCERPTS = {
    ("baseline", 0): "Plan reads 'compliant with medication, no concerns'; nothing in the person's own words.",
    ("baseline", 3): "Risk section is the risk tool's scores only; no sign the person saw it.",
    ("follow_up", 0): "Goals written as the person put them: 'get back to the allotment', 'sleep through the night'.",
    ("follow_up", 5): "Records that the person and their mother disagree about the move, and what was agreed.",
}


def _score(round_, patterns, kind: str, auditor, co_auditor, criteria) -> None:
    for i, pattern in enumerate(patterns):
        # Criteria added after these patterns were written reuse their columns in turn.
        scores = {c.slug: int(pattern[n % len(pattern)]) for n, c in enumerate(criteria)}
        services.score_plan(
            auditor if i % 3 else co_auditor[0],
            round_,
            scores,
            excerpt=EXCERPTS.get((kind, i), ""),
            co_auditors=co_auditor[1] if i % 3 else [],
        )


def load(world: dict) -> None:
    if not services.active_criteria():  # a database synced before audit.yaml existed
        sync_course(Path(current_app.config["CONTENT_DIR"]))
    criteria = services.active_criteria()
    if not criteria:
        return
    team, people = world["teams"]["north-cmht"], world["people"]
    manager, trainer, su_trainer = people["manager"], people["trainer"], people["su-trainer"]
    today = utcnow().date()
    baseline = services.create_round(
        manager,
        team,
        label="Baseline, before the core workshop",
        kind=RoundKind.BASELINE,
        starts_on=today - dt.timedelta(days=70),
        ends_on=today - dt.timedelta(days=42),
    )
    # The manager scores most plans with the service-user trainer; the professional trainer scores the rest.
    _score(baseline, BASELINE, "baseline", manager, (trainer, [su_trainer]), criteria)
    services.close_round(manager, baseline)
    follow_up = services.create_round(
        manager,
        team,
        label="Follow-up, after team supervision",
        kind=RoundKind.FOLLOW_UP,
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=21),
    )
    _score(follow_up, FOLLOW_UP, "follow_up", manager, (trainer, [su_trainer]), criteria)
    world["audit_rounds"] = {"baseline": baseline, "follow_up": follow_up}
    db.session.flush()
