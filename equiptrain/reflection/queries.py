"""Read-only queries for the reflection pages (a fixed number of queries each)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import User
from equiptrain.content.models import Module
from equiptrain.extensions import db
from equiptrain.reflection.models import ReflectiveEntry, Share
from equiptrain.workshops.models import Workshop


def my_entries(user: User) -> list[ReflectiveEntry]:
    return list(
        db.session.scalars(
            select(ReflectiveEntry)
            .where(ReflectiveEntry.author_id == user.id)
            .options(
                selectinload(ReflectiveEntry.module),
                selectinload(ReflectiveEntry.shares).selectinload(Share.supervisor),
            )
            .order_by(ReflectiveEntry.created_at.desc())
        )
    )


def shared_with(user: User) -> list[Share]:
    """Active shares to `user`; the page shows who and when (the text only on the entry's own page)."""
    return list(
        db.session.scalars(
            select(Share)
            .where(Share.supervisor_id == user.id, Share.revoked_at.is_(None))
            .options(selectinload(Share.entry).selectinload(ReflectiveEntry.author))
            .order_by(Share.shared_at.desc())
        )
    )


def count_shared_with(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(Share.id)).where(Share.supervisor_id == user.id, Share.revoked_at.is_(None))
        )
        or 0
    )


def active_modules() -> list[Module]:
    return list(db.session.scalars(select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)))


def module_by_slug(slug: str) -> Module | None:
    return db.session.scalar(select(Module).where(Module.slug == slug, Module.retired_at.is_(None)))


def workshop_title(workshop_id: int | None) -> str | None:
    """The linked workshop's title."""
    if workshop_id is None:
        return None
    workshop = db.session.get(Workshop, workshop_id)
    return workshop.title if workshop is not None else "A workshop"
