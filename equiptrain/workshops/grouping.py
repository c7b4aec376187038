"""Forming role-play groups: a pure function, so its properties can be tested over many group sizes.

Groups have 3 or 4 people (the one exception: 5 people present cannot be split into 3s and 4s, so they form one
group of 5 with two observers). Every group has an observer. Each round the practitioners are those who have played
the practitioner least so far, so over ceil(n / groups) rounds everyone is the practitioner once; professions are
spread across groups; the other roles go to whoever has played them least.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

PRACTITIONER, SERVICE_USER, CARER, OBSERVER = "practitioner", "service_user", "carer", "observer"


def group_sizes(n: int) -> list[int]:
    """Sizes of 3 or 4 adding up to n (n >= 3); 5 is the one number that has to be a single group."""
    if n < 3:
        raise ValueError("a role play needs at least 3 people")
    if n == 5:
        return [5]
    groups = math.ceil(n / 4)
    threes = 4 * groups - n
    return [4] * (groups - threes) + [3] * threes


def roles_for(size: int, has_carer: bool) -> list[str]:
    """The roles in a group of `size`, in the order they are filled. Every group keeps an observer, whose
    checklist is the practitioner's feedback; so a group of 3 plays a carer scenario without the carer."""
    roles = [PRACTITIONER, SERVICE_USER] + ([CARER] if has_carer and size >= 4 else [])
    return roles + [OBSERVER] * (size - len(roles))


K = TypeVar("K", bound=Hashable)  # a person's id


def form_groups(
    people: Sequence[tuple[K, str]], history: Mapping[K, Counter], has_carer: bool, seed: int = 0
) -> list[list[tuple[K, str]]]:
    """Split `people` ((id, profession) pairs) into groups of (id, role).

    `history` counts the roles each person has had in earlier rounds.
    """
    rng = random.Random(seed)
    order = list(people)
    rng.shuffle(order)  # ties are broken at random, but reproducibly for a given seed
    sizes = group_sizes(len(order))
    count = lambda pid, role: history.get(pid, Counter())[role]  # noqa: E731

    practitioners = sorted(order, key=lambda p: count(p[0], PRACTITIONER))[: len(sizes)]
    chosen = {p[0] for p in practitioners}
    rest = [p for p in order if p[0] not in chosen]

    # Spread professions: deal the most common profession first, each person to the open group with
    # the fewest of that profession (then the emptiest).
    members: list[list[tuple[K, str]]] = [[p] for p in practitioners]
    common = Counter(prof for _, prof in rest)
    rest.sort(key=lambda p: (-common[p[1]], p[1]))
    for person in rest:
        open_groups = [i for i in range(len(sizes)) if len(members[i]) < sizes[i]]
        best = min(open_groups, key=lambda i: (sum(1 for _, prof in members[i] if prof == person[1]), len(members[i])))
        members[best].append(person)

    groups = []
    for i, group in enumerate(members):
        practitioner, others = group[0], group[1:]
        assigned = [(practitioner[0], PRACTITIONER)]
        for role in roles_for(sizes[i], has_carer)[1:]:
            pick = min(others, key=lambda p: count(p[0], role))
            others.remove(pick)
            assigned.append((pick[0], role))
        groups.append(assigned)
    return groups
