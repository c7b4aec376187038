"""audit.yaml, the care-plan audit criteria: the shipped file is valid, and each mistake is reported at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from equiptrain.content.loader import load_course, validate_course
from tests.content.cases import Case, both, check_case, ed, put
from tests.content.trees import write_valid_tree

SHIPPED = Path(__file__).resolve().parents[2] / "course_content" / "audit.yaml"
AUDIT = "audit.yaml"
CRITERION = """\
  - slug: {slug}
    title: Criterion {slug}
    guidance: |
      What to look for in the plan.
    scores:
      0: Not met.
      1: Partly met.
      2: Met.
"""
VALID = "title: Care-plan audit\nintroduction: |\n  Score each plan.\ncriteria:\n" + "".join(
    CRITERION.format(slug=s) for s in ("one", "two", "three", "four", "five", "six")
)


def with_audit(*mutations):
    return both(put(AUDIT, VALID), *mutations)


CASES = [
    Case(
        "missing-title", with_audit(ed(AUDIT, "title: Care-plan audit\n", "")), AUDIT, 1, "title", "'title' is missing"
    ),
    Case(
        "unknown-field",
        with_audit(ed(AUDIT, "    guidance: |", "    guidence: |")),
        AUDIT,
        "guidence",
        "criteria.1.guidence",
        "unknown field 'guidence'",
    ),
    Case(
        "bad-slug",
        with_audit(ed(AUDIT, "slug: three", "slug: Three Things")),
        AUDIT,
        "slug: Three Things",
        "criteria.3.slug",
        "slug",
    ),
    Case(
        "duplicate-slug",
        with_audit(ed(AUDIT, "slug: four", "slug: two")),
        AUDIT,
        "slug: two",
        "criteria.4.slug",
        "duplicate slug 'two': criterion 2 already uses it",
        nth=2,
    ),
    Case(
        "missing-score",
        with_audit(ed(AUDIT, "      1: Partly met.\n", "")),
        AUDIT,
        "scores:",
        "criteria.1.scores",
        "must describe scores 0, 1 and 2: add 1",
    ),
    Case(
        "score-off-scale",
        with_audit(ed(AUDIT, "      2: Met.\n", "      2: Met.\n      3: Beyond.\n")),
        AUDIT,
        "3: Beyond.",
        "criteria.1.scores.3",
        "score 3 is not on the scale",
    ),
    Case(
        "blank-score-text",
        with_audit(ed(AUDIT, "      0: Not met.", '      0: " "')),
        AUDIT,
        '0: " "',
        "criteria.1.scores.0",
        "is empty: write some text here",
    ),
    Case("too-few-criteria", put(AUDIT, VALID.split("  - slug: six")[0]), AUDIT, "criteria:", "criteria", "at least 6"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_audit_problem_is_reported_where_it_is(tmp_path, case):
    check_case(tmp_path, case)


def test_the_shipped_criteria_are_valid_and_cover_the_framework(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    (root / AUDIT).write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    assert validate_course(root) == []
    audit = load_course(root).audit
    assert [c.slug for c in audit.criteria] == [
        "own-words",
        "action-plan",
        "whole-person",
        "risk-narrative",
        "divergent-views",
        "advance-wishes",
        "carers",
        "usable-copy",
        "outcomes",
        "strengths",
        "specific-wording",
        "resources-unmet-need",
        "decisions-agreed",
        "review-date",
    ]
    assert all(set(c.scores) == {0, 1, 2} and c.guidance_html.startswith("<p>") for c in audit.criteria)


def test_audit_file_is_optional(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    assert validate_course(root) == []
    assert load_course(root).audit is None
