"""The supervision session templates are checked with the rest of the course and synced as rendered pages."""

from __future__ import annotations

import pytest

from equiptrain.content.loader import load_course
from tests.content.cases import Case, both, check_case, ed, put
from tests.content.trees import write_valid_tree

S1 = "supervision/session-1.md"
GOOD = """---
slug: first-audit
number: 1
title: "Session 1: auditing two plans"
minutes: 120
summary: Bring two anonymised care plans.
---
## Agenda

Audit two plans together, rewrite one live, agree actions.
"""
SESSION_2 = GOOD.replace("slug: first-audit", "slug: second-review").replace("number: 1", "number: 2")

CASES = [
    Case(
        "missing-title",
        both(put(S1, GOOD), ed(S1, 'title: "Session 1: auditing two plans"\n', "")),
        S1,
        2,
        "title",
        "'title' is missing",
    ),
    Case(
        "number-mismatch",
        both(put(S1, GOOD), ed(S1, "number: 1", "number: 3")),
        S1,
        "number: 3",
        "number",
        "number 3 does not match the file name session-1.md",
    ),
    Case(
        "gap",
        put("supervision/session-2.md", SESSION_2),
        "supervision/session-2.md",
        1,
        "-",
        "numbered from 1 without gaps: rename this file session-1.md",
    ),
    Case(
        "bad-name",
        both(put(S1, GOOD), put("supervision/agenda.md", GOOD)),
        "supervision/agenda.md",
        1,
        "-",
        "supervision templates are files named session-1.md",
    ),
    Case(
        "minutes-range",
        both(put(S1, GOOD), ed(S1, "minutes: 120", "minutes: 0")),
        S1,
        "minutes: 0",
        "minutes",
        "out of range",
    ),
    Case(
        "duplicate-slug",
        both(put(S1, GOOD), put("supervision/session-2.md", SESSION_2.replace("second-review", "first-audit"))),
        "supervision/session-2.md",
        "slug: first-audit",
        "slug",
        "duplicate slug 'first-audit'",
    ),
    Case("no-body", put(S1, GOOD.split("## Agenda")[0]), S1, 8, "body", "the page has no text"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(tmp_path, case):
    check_case(tmp_path, case)


def test_templates_are_rendered_in_order(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    (root / "supervision").mkdir()
    (root / S1).write_text(GOOD, encoding="utf-8")
    (root / "supervision/session-2.md").write_text(SESSION_2, encoding="utf-8")
    course = load_course(root)
    assert [(t.number, t.slug) for t in course.supervision] == [(1, "first-audit"), (2, "second-review")]
    assert "<h2>Agenda</h2>" in course.supervision[0].body_html


def test_the_course_has_three_supervision_sessions():
    from equiptrain.config import PROJECT_ROOT

    course = load_course(PROJECT_ROOT / "course_content")
    assert [t.number for t in course.supervision] == [1, 2, 3]
    assert all(t.minutes == 120 and t.references for t in course.supervision)
    assert "two care plans" in course.supervision[0].body_html
