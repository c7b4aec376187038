"""Sampling reproducible from its seed; weighted kappa against a worked example; its meaning in words."""

from __future__ import annotations

import pytest

from equiptrain.careaudit import agreement, sampling

# Ten plans' scores on one criterion by two auditors (A, B). Counts: A=0 row [2,1,0], A=1 [0,2,1], A=2 [0,1,3];
# row totals 3,3,4 and column totals 2,4,4. Quadratic disagreement weights 0, 1/4, 1:
# observed = (1 + 1 + 1) x 1/4 / 10 = 0.075; expected = (1.2x1/4 + 1.2x1 + 0.6x1/4 + 1.2x1/4 + 0.8x1 + 1.6x1/4)/10
# = 0.315; kappa = 1 - 0.075/0.315 = 0.762. Linear weights 0, 1/2, 1: 1 - 0.15/0.43 = 0.651.
WORKED = [(0, 0), (0, 1), (1, 1), (1, 1), (2, 2), (2, 1), (2, 2), (0, 0), (1, 2), (2, 2)]


def test_weighted_kappa_against_the_worked_example():
    assert agreement.weighted_kappa(WORKED) == pytest.approx(0.762, abs=0.001)
    assert agreement.weighted_kappa(WORKED, weights="linear") == pytest.approx(0.651, abs=0.001)
    assert agreement.weighted_kappa([(a, a) for a, _ in WORKED]) == 1.0
    assert agreement.weighted_kappa([(1, 1)] * 5) is None  # no spread: undefined, not "perfect"


@pytest.mark.parametrize(
    "kappa, words",
    [(-0.1, "poor: no better than chance"), (0.15, "slight"), (0.35, "fair"), (0.5, "moderate"),
     (0.762, "substantial"), (0.9, "almost perfect")],
)  # fmt: skip
def test_kappa_in_words(kappa, words):
    assert agreement.meaning(kappa) == words


def test_too_few_plans_to_measure_then_enough():
    titles = {"a": "Own words", "b": "Review date"}
    nine = [{"a": (2, 2), "b": (1, 2)}] * 9
    result = agreement.agreement(nine, titles, pooled=False)
    assert result.kappa is None and result.words.startswith("too few to measure")
    ten = [{"a": pair, "b": (1, 2) if i < 4 else pair} for i, pair in enumerate(WORKED)]
    result = agreement.agreement(ten, titles, pooled=True)
    assert result.kappa is not None and result.most_disagreed == [("Review date", 6), ("Own words", 3)]


def test_sampling_is_reproducible_from_its_seed():
    first = sampling.draw(40, 8, seed="a1b2c3")
    again = sampling.draw(40, 8, seed="a1b2c3")
    assert first == again and len(set(first.positions)) == 8 and all(1 <= p <= 40 for p in first.positions)
    assert len(first.double) == 2 and set(first.double) <= set(first.positions)  # 20% of 8, rounded up
    assert sampling.draw(40, 8, seed="other") != first
    # The drawn positions are fixed for a given seed (a regression guard against changing the rule silently).
    assert first.sorted_positions == sorted(sampling.draw(40, 8, seed="a1b2c3").positions)
    assert "on your caseload list of 40, sorted by surname" in first.rule() and "seed a1b2c3" in first.rule()


def test_sampling_rule_in_words():
    assert sampling.words([3, 11, 17]) == "3rd, 11th and 17th"
    assert sampling.words([1]) == "1st" and sampling.ordinal(12) == "12th" and sampling.ordinal(22) == "22nd"
    assert sampling.draw(3, 10, seed="x").sorted_positions == [1, 2, 3]  # a short list: every plan
    with pytest.raises(ValueError):
        sampling.draw(0, 3)
