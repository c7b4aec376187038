"""course_content/measures/: the involvement measure's validator (file:line: field: problem), the shipped original
measure, and a published validated measure carried by adding a file (with its citation), with no code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from equiptrain.content.loader import load_course, validate_course
from equiptrain.content.measures import score
from tests.content.trees import line_of, write_valid_tree

SHIPPED = Path(__file__).resolve().parents[2] / "course_content" / "measures" / "involvement-short.yaml"
REL = "measures/involvement-short.yaml"

# A stand-in for a published instrument: placeholder wording only (no published instrument's items are kept here).
PUBLISHED = """\
slug: published-example
title: A published involvement measure
validated: true
citation: "Author A, Author B (2017). A published measure of involvement in care planning. Journal 1:1-10."
licence: Used under the trust's licence.
introduction: |
  Instructions as the publisher gives them.
easy_read_introduction: |
  Easy Read instructions.
respondents: [service_user]
scale:
  min: 0
  max: 2
  labels: {0: Placeholder low, 1: Placeholder middle, 2: Placeholder high}
  easy_read_labels: {0: Low, 1: Middle, 2: High}
statements:
  - {slug: item-1, text: Placeholder item 1., easy_read: Item 1.}
  - {slug: item-2, text: Placeholder item 2., easy_read: Item 2.}
  - {slug: item-3, text: Placeholder item 3., easy_read: Item 3., reverse: true}
  - {slug: item-4, text: Placeholder item 4., easy_read: Item 4.}
scoring:
  method: sum
  min_answered: 4
  conversion: {0: 0, 1: 12.5, 2: 25, 3: 37.5, 4: 50, 5: 62.5, 6: 75, 7: 87.5, 8: 100}
"""


@pytest.fixture
def tree(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    (root / "measures").mkdir()
    shutil.copy(SHIPPED, root / REL)
    return root


def _problems(root):
    return [f"{p.file}:{p.line}: {p.field}: {p.message}" for p in validate_course(root)]


def test_the_shipped_measure_is_valid_and_honest(tree):
    assert validate_course(tree) == []
    [measure] = load_course(tree).measures
    assert not measure.validated and "not a validated instrument" in measure.notice
    assert 8 <= len([s for s in measure.statements if "service_user" in s["respondents"]]) <= 12
    assert all(s["easy_read"] for s in measure.statements) and measure.easy_read_html.startswith("<p>")
    assert [s["slug"] for s in measure.statements if s["reverse"]] == ["decided-without-me"]


def _edit(root, old, new):
    path = root / REL
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, fragment, field, message",
    [
        ("    5: Strongly agree\n", "", "  labels:", "scale.labels", "label every point: add 5"),
        (
            '    5: "Yes, a lot"\n',
            "    6: Too much\n",
            "    6: Too much",
            "scale.easy_read_labels.6",
            "6 is not on the scale",
        ),
        ("validated: false", "validated: true", ("validated: true", 2), "validated", "must give its citation"),
        ("It is not a validated instrument", "It is a fine instrument", "notice:", "notice", "must say so"),
        (
            "  - slug: own-words",
            "  - slug: listened-to",
            ("  - slug: listened-to", 2),
            "statements.4.slug",
            "duplicate slug",
        ),
        ("  min_answered: 6", "  min_answered: 60", "  min_answered: 60", "scoring.min_answered", "at most 11"),
        (
            "  method: mean",
            "  method: mean\n  conversion: {10: 1}",
            "  conversion:",
            "scoring.conversion",
            "converts sums",
        ),
        ("    easy_read: Staff listen to me.\n", "", "  - slug: listened-to", "statements.1.easy_read", "missing"),
        ("    reverse: true", "    reverse: maybe", "    reverse: maybe", "statements.6.reverse", ""),
    ],
)
def test_each_mistake_is_reported_at_its_line(tree, old, new, fragment, field, message):
    _edit(tree, old, new)
    problems = [p for p in validate_course(tree) if p.file == REL]
    assert problems, "expected a problem"
    line = line_of(tree, REL, *fragment) if isinstance(fragment, tuple) else line_of(tree, REL, fragment)
    assert any(p.field == field and message in p.message and p.line == line for p in problems), _problems(tree)


def test_a_conversion_table_must_cover_every_sum(tree):
    (tree / "measures" / "published.yaml").write_text(PUBLISHED.replace("7: 87.5, ", ""), encoding="utf-8")
    assert any(
        p.file == "measures/published.yaml" and p.field == "scoring.conversion" and "missing 7" in p.message
        for p in validate_course(tree)
    )


def test_a_published_measure_is_one_more_file(tree):
    (tree / "measures" / "published.yaml").write_text(PUBLISHED, encoding="utf-8")
    assert validate_course(tree) == []
    published = next(m for m in load_course(tree).measures if m.slug == "published-example")
    assert published.validated and published.citation.startswith("Author A")
    definition = {"scale": published.scale, "scoring": published.scoring, "statements": published.statements}
    # item-3 is reverse-scored (2 - v); the raw sum 2+2+0+2 = 6 converts to 75.
    assert score(definition, {"item-1": 2, "item-2": 2, "item-3": 2, "item-4": 2}) == 75.0
    assert score(definition, {"item-1": 2}) is None  # fewer than min_answered


def test_an_unexpected_file_in_the_folder(tree):
    (tree / "measures" / "notes.txt").write_text("x", encoding="utf-8")
    assert any(p.file == "measures/notes.txt" for p in validate_course(tree))
