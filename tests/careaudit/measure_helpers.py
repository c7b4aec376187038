"""Builders for the involvement-measure tests: the shipped instrument as a row, rounds and responses."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from sqlalchemy import select

from equiptrain.careaudit import measure_services
from equiptrain.careaudit.measure_models import MeasureRoundKind
from equiptrain.content.loader import load_course
from equiptrain.content.measures import sync_measures
from equiptrain.content.models import MeasureInstrument
from equiptrain.extensions import db

CONTENT = Path(__file__).resolve().parents[2] / "course_content"


@functools.cache
def _shipped_measures() -> list:
    """The shipped course's measures, loaded once per run (loading the whole course takes seconds)."""
    return load_course(CONTENT).measures


def make_instrument() -> MeasureInstrument:
    """The shipped measure as a row (what `content sync` stores), unless already there."""
    row = db.session.scalar(select(MeasureInstrument).where(MeasureInstrument.slug == "involvement-short"))
    if row is not None:
        return row
    created = []

    def upsert(kind, existing, values, model):
        created.append(model(**values))
        db.session.add(created[-1])

    sync_measures(_shipped_measures(), upsert, lambda kind, rows: None)
    db.session.commit()
    return next(r for r in created if r.slug == "involvement-short")


def open_round(actor, team, kind=MeasureRoundKind.BASELINE, opens=None, days=28):
    opens = opens or measure_services.today()
    round_ = measure_services.open_round(
        actor,
        team,
        make_instrument(),
        label=kind.label,
        kind=kind,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=days),
    )
    db.session.commit()
    return round_


def answers(value: int, *, carer: bool = False) -> dict[str, str]:
    """The same point for every statement the respondent answers (the reverse-scored one included)."""
    skip = "carers-included" if carer else "carer-included"
    slugs = [
        "listened-to", "views-taken-seriously", "say-in-plan", "own-words", "goals-mine", "decided-without-me",
        "understand-plan", "copy-usable", "carers-included", "carer-included", "disagreement-recorded",
    ]  # fmt: skip
    return {s: str(value) for s in slugs if s != skip}
