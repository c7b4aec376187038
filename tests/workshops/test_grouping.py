"""Group formation, property-style over every group size from 3 to 40."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest

from equiptrain.workshops.grouping import PRACTITIONER, form_groups, group_sizes

PROFESSIONS = ["nurse", "social_worker", "psychiatrist", "occupational_therapist", "support_worker"]


def _people(n):
    return [(f"p{i}", PROFESSIONS[(i * 7) % len(PROFESSIONS)] if i % 3 else "nurse") for i in range(n)]


@pytest.mark.parametrize("has_carer", [True, False])
@pytest.mark.parametrize("n", range(3, 41))
def test_every_round_gives_everyone_one_role_and_rotation_reaches_everyone(n, has_carer):
    people = _people(n)
    history: dict = defaultdict(Counter)
    groups_per_round = len(group_sizes(n))
    rounds = math.ceil(n / groups_per_round)
    for r in range(rounds):
        groups = form_groups(people, history, has_carer, seed=r * 31 + n)
        ids = [pid for g in groups for pid, _ in g]
        assert sorted(ids) == sorted(p for p, _ in people)  # everyone exactly once
        for g in groups:
            assert 3 <= len(g) <= 4 or (n == 5 and len(g) == 5)
            roles = Counter(role for _, role in g)
            assert roles[PRACTITIONER] == 1 and roles["service_user"] == 1
            assert roles["observer"] >= 1  # every practitioner gets an observer's feedback
            # the carer is played whenever the scenario has one and the group has room for both
            assert roles["carer"] == (1 if has_carer and len(g) >= 4 else 0)
        for g in groups:
            for pid, role in g:
                history[pid][role] += 1
    assert all(history[p][PRACTITIONER] >= 1 for p, _ in people), "rotation missed someone"


@pytest.mark.parametrize("n", [6, 12, 17, 24, 40])
def test_professions_are_mixed(n):
    people = _people(n)
    groups = form_groups(people, {}, True, seed=1)
    professions = dict(people)
    # No group is made only of one profession when the room has several.
    for g in groups:
        assert len({professions[pid] for pid, _ in g}) > 1


def test_sizes():
    assert group_sizes(3) == [3] and group_sizes(4) == [4] and group_sizes(5) == [5]
    for n in range(6, 200):
        sizes = group_sizes(n)
        assert sum(sizes) == n and set(sizes) <= {3, 4}
    with pytest.raises(ValueError):
        group_sizes(2)
