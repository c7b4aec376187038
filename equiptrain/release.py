"""One release rule for every aggregate of private answers: the confidence scale on the dashboards, anonymous
workshop feedback and the involvement measure.

A threshold alone ("shown for 5 or more") is not enough: a figure that moves with every answer lets anyone who
looks before and after one person answers work out that person's answers by subtraction (6 pairs show 2.17 and
3.33, 7 pairs show 2.00 and 3.57, so the seventh person answered 1 and 5). So a figure is only ever computed
over a *released cohort*, never over whatever has arrived so far:

- **Closed rounds** (the involvement measure): nothing while a round is open; once it closes, all its answers,
  if there are at least `k`. A closed round never gains or loses an answer, so its figure never changes.
- **Open-ended streams** (confidence before/after pairs, workshop feedback): contributions are taken in the
  order they became complete and released in *blocks*; a block is released only once it holds contributions
  from at least `k` different people. Answers waiting for their block change nothing anyone can see.

Why comparing views is then safe: any two views differ by whole blocks, each covering at least `k` people, so
the most a difference can show is an aggregate of at least `k` people, which is what the threshold allows
anyway. The order is fixed by when each contribution became complete (ties by id), so a later answer cannot
reshuffle earlier blocks. (A person whose record is removed, e.g. on leaving a team, drops out of the cohort;
that is why figures are also shown only as rounded means, and why the measure uses closed rounds, whose
responses are anonymous and never leave.)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Release:
    """What may be shown: `released` of `total` contributions; `shown` when at least one block is out."""

    total: int
    released: int
    people: int  # distinct people in the released cohort (or contributions, for anonymous answers)
    minimum: int
    reason: str = ""  # why nothing (or not everything) is shown yet, in words

    @property
    def shown(self) -> bool:
        return self.released > 0

    @property
    def waiting(self) -> int:
        return self.total - self.released


def in_blocks(
    contributions: Sequence[T],
    k: int,
    *,
    order: Callable[[T], tuple],
    person: Callable[[T], Hashable] | None = None,
) -> tuple[list[T], Release]:
    """The released cohort of an open-ended stream: contributions sorted by `order` (when each became complete,
    then an id) and cut after the last block that covers at least `k` different `person`s (each contribution is
    its own person when `person` is None, as for anonymous answers)."""
    ranked = sorted(contributions, key=order)
    released_upto, pending = 0, set()
    for i, item in enumerate(ranked):
        pending.add(person(item) if person else i)
        if len(pending) >= k:
            released_upto, pending = i + 1, set()
    cohort = ranked[:released_upto]
    people = len({person(c) for c in cohort}) if person else len(cohort)
    reason = ""
    if not cohort:
        reason = f"Shown once at least {k} people have answered, so that nobody's answers can be picked out."
    elif released_upto < len(ranked):
        reason = (
            f"{len(ranked) - released_upto} newer answer(s) will be added when at least {k} more people have "
            "answered, so that nobody's answers can be worked out by comparing two views."
        )
    return cohort, Release(len(ranked), len(cohort), people, k, reason)


def closed_round(count: int, closed: bool, k: int) -> Release:
    """A round with a closing date: everything once it has closed with at least `k` answers, otherwise nothing."""
    if not closed:
        return Release(count, 0, 0, k, "Results appear when the round closes (never a running figure).")
    if count < k:
        return Release(count, 0, 0, k, f"Fewer than {k} responses: no results, so that nobody can be identified.")
    return Release(count, count, count, k)


def groups_apart(counts: dict[str, int], k: int) -> bool:
    """Show sub-groups (e.g. service users and carers) separately only when every one of them reaches `k`;
    otherwise only the combined figure, never a combined figure beside one group's (which gives away the other
    by subtraction)."""
    return bool(counts) and all(n >= k for n in counts.values())
