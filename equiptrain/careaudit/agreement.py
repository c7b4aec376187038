"""Agreement between two auditors who scored the same plans blind: Cohen's weighted kappa on the 0-1-2 scale,
with its meaning in words, and the criteria they disagree on most.

Quadratic weights (a disagreement of 2 counts four times one of 1), the usual choice for an ordered scale. Kappa
is shown only once at least MIN_PLANS plans have been double-scored (pooled across the team's rounds when one
round has too few); below that, the report says there are too few to measure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CATEGORIES = (0, 1, 2)
MIN_PLANS = 10
# Landis and Koch (1977), the usual reading of kappa in words.
BANDS = [
    (0.0, "poor: no better than chance"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
]


def weighted_kappa(pairs: Iterable[tuple[int, int]], *, weights: str = "quadratic") -> float | None:
    """Cohen's weighted kappa for pairs (auditor A's score, auditor B's score); None when chance agreement is
    total (every score the same), where kappa is undefined."""
    pairs = list(pairs)
    if not pairs:
        return None
    k = len(CATEGORIES)
    index = {c: i for i, c in enumerate(CATEGORIES)}

    def w(i: int, j: int) -> float:
        d = abs(i - j) / (k - 1)
        return d * d if weights == "quadratic" else d

    n = len(pairs)
    observed = Counter((index[a], index[b]) for a, b in pairs)
    rows = Counter(index[a] for a, _ in pairs)
    cols = Counter(index[b] for _, b in pairs)
    disagree_observed = sum(w(i, j) * c for (i, j), c in observed.items()) / n
    disagree_expected = sum(w(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k)) / (n * n)
    if disagree_expected == 0:
        return None
    return round(1 - disagree_observed / disagree_expected, 3)


def meaning(kappa: float | None) -> str:
    if kappa is None:
        return "cannot be measured: every score was the same"
    if kappa <= 0:
        return BANDS[0][1]
    for upper, words in BANDS[1:]:
        if kappa <= upper:
            return words
    return BANDS[-1][1]


@dataclass
class Agreement:
    plans: int  # plans scored by both auditors
    pooled: bool  # across the team's rounds
    kappa: float | None = None
    words: str = ""
    exact: int = 0  # percent of criterion scores the two gave identically
    most_disagreed: list[tuple[str, int]] = field(default_factory=list)  # (criterion title, plans disagreed)

    @property
    def enough(self) -> bool:
        return self.plans >= MIN_PLANS


def agreement(doubles: Sequence[dict[str, tuple[int, int]]], titles: dict[str, str], *, pooled: bool) -> Agreement:
    """`doubles`: one dict per double-scored plan, criterion slug -> (first score, second score)."""
    out = Agreement(len(doubles), pooled)
    if not out.enough:
        out.words = f"too few to measure: {len(doubles)} of the {MIN_PLANS} double-scored plans needed"
        return out
    pairs = [p for d in doubles for p in d.values()]
    out.kappa = weighted_kappa(pairs)
    out.words = meaning(out.kappa)
    out.exact = round(100 * sum(a == b for a, b in pairs) / len(pairs)) if pairs else 0
    disagreed = Counter(slug for d in doubles for slug, (a, b) in d.items() if a != b)
    out.most_disagreed = [(titles.get(s, s), n) for s, n in disagreed.most_common(3)]
    return out
