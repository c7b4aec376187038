"""Read-only queries for the review pages: each page runs a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload, selectinload

from equiptrain.accounts.models import User
from equiptrain.content.models import Module, Unit
from equiptrain.extensions import db

from .models import CommentState, ReviewComment


def course_for_review(user: User) -> tuple[list[Module], dict[int, int]]:
    """Active modules (with their active units: `Module.active_units`), and how many comments `user` has left on
    each unit."""
    modules = list(
        db.session.scalars(
            select(Module)
            .where(Module.retired_at.is_(None))
            .order_by(Module.position)
            .options(selectinload(Module.units))
        )
    )
    counts = dict(
        db.session.execute(
            select(ReviewComment.unit_id, func.count(ReviewComment.id))
            .where(ReviewComment.author_id == user.id)
            .group_by(ReviewComment.unit_id)
        ).all()
    )
    return modules, counts


def own_comments(user: User, unit: Unit) -> list[ReviewComment]:
    return list(
        db.session.scalars(
            select(ReviewComment)
            .where(ReviewComment.author_id == user.id, ReviewComment.unit_id == unit.id)
            .order_by(ReviewComment.created_at.desc())
        )
    )


def visible_to(admin: User):
    """The comments an admin may see: all of them for a platform admin; for an organisation's admin, those whose
    author belongs to that organisation (trainers' names stay within their own organisation)."""
    if admin.is_platform_admin:
        return true()
    return ReviewComment.author_id.in_(select(User.id).where(User.organisation_id == admin.organisation_id))


def all_comments(admin: User, state: CommentState | None) -> tuple[list[ReviewComment], dict[str, int]]:
    """Every comment the admin may see (or those in one state), newest first, with unit, module and author
    loaded; and the count in each state for the filter links."""
    scope = visible_to(admin)
    query = (
        select(ReviewComment)
        .where(scope)
        .order_by(ReviewComment.created_at.desc(), ReviewComment.id.desc())
        .options(joinedload(ReviewComment.unit).joinedload(Unit.module), joinedload(ReviewComment.author))
    )
    if state is not None:
        query = query.where(ReviewComment.state == state)
    counts = {s.value: 0 for s in CommentState}
    for value, n in db.session.execute(
        select(ReviewComment.state, func.count(ReviewComment.id)).where(scope).group_by(ReviewComment.state)
    ):
        counts[CommentState(value).value] = n
    return list(db.session.scalars(query).unique()), counts
