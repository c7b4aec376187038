"""Builders for the review-comment tests."""

from __future__ import annotations

from equiptrain.extensions import db
from equiptrain.reviews.models import ReviewComment
from equiptrain.trainers.models import TrainerKind
from tests.learning.helpers import unit


def comment(author, the_unit, body: str = "This page talks about carers as if they were staff.") -> ReviewComment:
    row = ReviewComment(unit=the_unit, author=author, author_role="carer", body=body, unit_hash=the_unit.content_hash)
    db.session.add(row)
    db.session.flush()
    return row


def access_world(build, world) -> dict:
    """A unit (the course is already synced) and one comment on it by a carer trainer."""
    the_unit = unit("foundations", "what-involvement-means")
    carer = build.user("trainer", org=world["org"], trainer_kind=TrainerKind.CARER)
    return {"review_unit": the_unit, "review_comment": comment(carer, the_unit), "carer_trainer": carer}
