"""Setting-aware ordering: offer the scenarios that fit the learner's teams (community, inpatient, crisis...)
first, then those written for every setting, then the rest, each group in course order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from sqlalchemy import select

from equiptrain.accounts.models import Membership, Team
from equiptrain.extensions import db


class HasSetting(Protocol):
    @property
    def setting(self) -> str: ...


T = TypeVar("T", bound=HasSetting)


def team_settings(user) -> frozenset[str]:
    """The settings of the teams `user` belongs to, e.g. {'inpatient'} (1 query)."""
    rows = db.session.scalars(
        select(Team.setting)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user.id)
        .distinct()
    )
    return frozenset(getattr(s, "value", s) for s in rows)


def rank(setting: str, settings: Iterable[str]) -> int:
    """0 fits one of the learner's team settings, 1 written for all settings, 2 another setting."""
    if setting in settings:
        return 0
    return 1 if setting == "all" else 2


def by_setting(items: Sequence[T], settings: frozenset[str]) -> list[T]:
    """`items` (anything with a `.setting`) with those fitting `settings` first; stable within each group."""
    if not settings:
        return list(items)
    return sorted(items, key=lambda item: rank(item.setting, settings))
