"""The trainer role, as accounts sees it.

A trainer's records (the profile, prepared modules, train-the-trainers and selection records) belong to
`equiptrain.trainers`, which imports accounts; so accounts cannot import it. The people pages still offer the
role and the services still give and remove it: the trainers feature registers here, from the app factory, how the
role's kinds are named, read and set (`register_trainer_role`). Kinds are passed as their string values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from equiptrain.accounts.models import User


@dataclass(frozen=True)
class TrainerRole:
    choices: Callable[[], list[tuple[str, str]]]  # (value, label) for each kind of trainer
    kind_of: Callable[[User], str | None]  # the person's kind while they hold the role, else None
    # Give (kind) or remove (None) the role; returns what changed, for the role.changed audit event.
    set_kind: Callable[[User | None, User, str | None], dict[str, Any]]


_registered: list[TrainerRole] = []


def register_trainer_role(role: TrainerRole) -> None:
    _registered[:] = [role]


def trainer_role() -> TrainerRole:
    if not _registered:
        raise RuntimeError("No trainer role registered: create_app registers equiptrain.trainers' at start-up")
    return _registered[0]


def kind_value(kind: object) -> str | None:
    """A kind given as an enum member or its value, as its value ("" and None mean no role)."""
    value = getattr(kind, "value", kind)
    return str(value) if value else None
