"""Demo step: the North CMHT's involvement measure. A baseline round that closed before the core workshop, with
enough service users and carers (some on paper) for its figures to show, and a follow-up round open now, with a
few answers in and no figures (results appear only when it closes). Dates are relative to the demo's today."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from equiptrain.careaudit import measure_services
from equiptrain.careaudit.measure_models import MeasureRound, MeasureRoundKind, ResponseMode
from equiptrain.content.models import MeasureInstrument
from equiptrain.content.sync import sync_course
from equiptrain.db import utcnow
from equiptrain.extensions import db

# One string a response: the answer (1-5) to each statement the person answers, in the file's order; "-" skips.
BASELINE_USERS = ["2323242-32", "3223232-23", "2232342-22", "3323232-33", "2222242-32", "3233233-23"]
BASELINE_CARERS = ["22232422-2", "3223232-32", "2232342-23", "2322232-22", "3223242-32"]
FOLLOW_UP_USERS = ["4444414-44", "4344424-43"]
COMMENTS = {
    ("baseline", 1): "Being asked what I want before the review, not at it.",
    ("baseline", 7): "A copy of the plan in plain English.",
}


def _answers(definition: dict, respondent: str, pattern: str) -> dict[str, str]:
    slugs = [s["slug"] for s in definition["statements"] if respondent in s["respondents"]]
    return {slug: ch for slug, ch in zip(slugs, pattern, strict=False) if ch != "-"}


def _respond(round_: MeasureRound, respondent: str, patterns: list[str], kind: str, offset: int, entered_by) -> None:
    for i, pattern in enumerate(patterns):
        paper = i % 4 == 3  # about a quarter typed in from paper forms
        measure_services.submit(
            round_,
            respondent=respondent,
            answers=_answers(round_.definition, respondent, pattern),
            comment=COMMENTS.get((kind, offset + i), ""),
            mode=ResponseMode.PAPER if paper else ResponseMode.PHONE,
            entered_by=entered_by if paper else None,
        )


def load(world: dict) -> None:
    if db.session.scalar(select(MeasureInstrument.id).limit(1)) is None:
        sync_course(Path(current_app.config["CONTENT_DIR"]))
    instrument = db.session.scalar(select(MeasureInstrument).where(MeasureInstrument.slug == "involvement-short"))
    if instrument is None:
        return
    team, manager = world["teams"]["north-cmht"], world["people"]["manager"]
    today = utcnow().date()
    baseline = measure_services.open_round(
        manager,
        team,
        instrument,
        label="Before the core workshop",
        kind=MeasureRoundKind.BASELINE,
        opens_on=today,
        closes_on=today + dt.timedelta(days=28),
    )
    _respond(baseline, "service_user", BASELINE_USERS, "baseline", 0, manager)
    _respond(baseline, "carer", BASELINE_CARERS, "baseline", len(BASELINE_USERS), manager)
    # The round ran before the core workshop; it closed on its closing date.
    baseline.opens_on, baseline.closes_on = today - dt.timedelta(days=84), today - dt.timedelta(days=56)
    for response in db.session.scalars(
        select(measure_services.MeasureResponse).where(measure_services.MeasureResponse.round_id == baseline.id)
    ):
        response.submitted_on = baseline.opens_on + dt.timedelta(days=response.id % 20)
    follow_up = measure_services.open_round(
        manager,
        team,
        instrument,
        label="Six months after the core",
        kind=MeasureRoundKind.FOLLOW_UP,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=25),
    )
    _respond(follow_up, "service_user", FOLLOW_UP_USERS, "follow_up", 0, manager)
    world["measure_rounds"] = {"baseline": baseline, "follow_up": follow_up}
    db.session.flush()
