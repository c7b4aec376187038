"""Demo step: review comments from the lived-experience trainers, one still open and one the course team
accepted, so /reviews/comments has something to show."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.content.models import Module, Unit
from equiptrain.extensions import db
from equiptrain.reviews import services
from equiptrain.reviews.models import CommentState

COMMENTS = [
    # (trainer key, module slug, unit slug, comment, decision or None)
    (
        "carer-trainer",
        "carers-confidentiality",
        "carers-own-needs",
        "The carer in the example is offered an assessment, which is good. Could the page also say what a carer can "
        "do when the assessment is delayed? That wait is when many of us give up.",
        None,
    ),
    (
        "su-trainer",
        "insight",
        "advance-statements-and-decisions",
        "Please say near the top that an advance statement can ask for things, not only refuse them. People I train "
        "with assumed it was only about saying no.",
        CommentState.ACCEPTED,
    ),
]


def _unit(module_slug: str, unit_slug: str) -> Unit | None:
    return db.session.scalar(
        select(Unit).join(Module).where(Module.slug == module_slug, Unit.slug == unit_slug, Unit.retired_at.is_(None))
    )


def load(world: dict) -> None:
    people = world["people"]
    for key, module_slug, unit_slug, body, decision in COMMENTS:
        unit = _unit(module_slug, unit_slug)
        if unit is None:  # the course was changed: nothing to comment on
            continue
        comment = services.leave_comment(people[key], unit, body)
        if decision is not None:
            services.decide(people["admin"], comment, decision, None)
