"""Leaving a review comment and deciding on one. Services flush; the request commits."""

from __future__ import annotations

from equiptrain.accounts.models import User
from equiptrain.auditlog.services import log_event
from equiptrain.content.models import Unit
from equiptrain.errors import ServiceError
from equiptrain.extensions import db

from .models import CommentState, ReviewComment

MAX_BODY = 4000


def lived_experience_kind(user: User) -> str | None:
    """'service_user' or 'carer' for a lived-experience trainer, otherwise None."""
    profile = user.trainer_profile if user.is_trainer else None
    return profile.kind.value if profile is not None and profile.kind.lived_experience else None


def leave_comment(user: User, unit: Unit, body: str) -> ReviewComment:
    """A lived-experience trainer's comment on an active unit."""
    kind = lived_experience_kind(user)
    if kind is None:
        raise ServiceError("Review comments are left by service-user and carer trainers.")
    if unit.retired_at is not None:
        raise ServiceError("This page is no longer part of the course, so it cannot be commented on.")
    body = (body or "").strip()
    if not body:
        raise ServiceError("Write your comment.", field="body")
    if len(body) > MAX_BODY:
        raise ServiceError(
            f"Keep the comment to {MAX_BODY} characters or fewer; split it into two if you need to.", field="body"
        )
    comment = ReviewComment(unit=unit, author=user, author_role=kind, body=body, unit_hash=unit.content_hash)
    db.session.add(comment)
    db.session.flush()
    log_event("review_comment.created", actor=user, subject=comment)
    return comment


def decide(admin: User, comment: ReviewComment, state: CommentState, reason: str | None) -> None:
    comment.decide(state, reason, admin)
    db.session.flush()
    log_event(f"review_comment.{state.value}", actor=admin, subject=comment)
