"""Which care plans to audit, by a stated random rule, so teams do not choose their best plans.

The team sorts its caseload list by surname (outside EquipTrain) and tells the platform only how long the list is
and how many plans to audit. The platform draws positions at random ("the 3rd, 11th and 17th on your caseload
list sorted by surname") with a seed it records with the round; anyone can draw the same positions again from the
seed. A share of the drawn plans (default 20%, at least one) is marked for a blind second scoring. No identifier
is entered at any point: a position on the team's own list means nothing outside it.
"""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass

RULE = "sorted by surname (then first name), counting from 1 at the top"
MAX_CASELOAD = 5000


@dataclass(frozen=True)
class Sample:
    seed: str
    caseload: int
    positions: tuple[int, ...]  # in the order drawn
    double: tuple[int, ...]  # the drawn positions scored twice, blind

    @property
    def sorted_positions(self) -> list[int]:
        return sorted(self.positions)

    def rule(self) -> str:
        return (
            f"Audit the {words(self.sorted_positions)} on your caseload list of {self.caseload}, {RULE}. "
            f"Drawn at random by EquipTrain with seed {self.seed}."
        )


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def words(positions: list[int]) -> str:
    parts = [ordinal(p) for p in positions]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def draw(caseload: int, size: int, double_share: int = 20, seed: str | None = None) -> Sample:
    """Draw `size` distinct positions from 1..`caseload` (all of them when the list is shorter), and the first
    ceil(share x size) of them for double scoring. The same seed always gives the same sample."""
    if not 1 <= caseload <= MAX_CASELOAD:
        raise ValueError(f"caseload must be between 1 and {MAX_CASELOAD}")
    if size < 1:
        raise ValueError("size must be at least 1")
    if not 0 <= double_share <= 100:
        raise ValueError("double_share is a percentage")
    seed = seed or secrets.token_hex(6)
    rng = random.Random(f"equiptrain-audit-sample:{seed}")  # str seeds hash with SHA-512: stable across versions
    positions = tuple(rng.sample(range(1, caseload + 1), min(size, caseload)))
    n_double = math.ceil(len(positions) * double_share / 100) if double_share else 0
    return Sample(seed, caseload, positions, tuple(sorted(positions[:n_double])))
