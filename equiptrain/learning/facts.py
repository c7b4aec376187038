"""Facts about a person that other features establish and the learner's path reads, so learning imports none of
them. The app factory wires each one (`create_app`'s `_connect_listeners`):

- `attended_core(user_id)`: whether the person attended the core. Workshops establishes it when a core
  workshop's last register is signed off (`workshops.queries.core_attendance`); the `workshop_attended` event
  carries it too, so the common path (a register signed off) does not ask at all. Learning asks only when a unit
  read or a knowledge check completes a module that requires the core.
- `delivers(user, module_id)`: whether a trainer delivers the module some other way than being recorded as
  prepared to (workshops: they facilitate a workshop covering it), for the trainer's preview of the module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_core_attendance: list[Callable[[int], bool]] = []
_delivery_rules: list[Callable[[Any, int], bool]] = []


def set_core_attendance(source: Callable[[int], bool]) -> None:
    _core_attendance[:] = [source]


def add_delivery_rule(rule: Callable[[Any, int], bool]) -> None:
    if rule not in _delivery_rules:
        _delivery_rules.append(rule)


def attended_core(user_id: int) -> bool:
    if not _core_attendance:
        raise RuntimeError("Nothing says who attended the core: create_app wires workshops' core attendance")
    return bool(_core_attendance[0](user_id))


def delivers(user, module_id: int) -> bool:
    return any(rule(user, module_id) for rule in _delivery_rules)
