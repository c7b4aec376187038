"""The core days as content (course_content/core/day-N.md): what the validator checks, and what the loader
builds; the shipped course's two days."""

from __future__ import annotations

from pathlib import Path

import pytest

from equiptrain.content.loader import load_course, validate_course
from tests.content.cases import Case, both, check_case, ed, put
from tests.content.trees import write, write_valid_tree

DAY1 = "core/day-1.md"
VALID_DAY = """\
---
slug: core-day-1
day: 1
title: "Core day 1"
summary: The first day.
modules: [foundations]
agenda:
  - {start: "09:30", minutes: 30, title: Welcome, lead: both}
  - {start: "10:00", minutes: 45, title: A story, lead: lived_experience, materials: [Slides]}
  - {start: "10:45", minutes: 40, title: Role play, lead: professional, roleplay: foundations/first-meeting}
references:
  - "Bee P et al (2015). Professional perspectives on involvement."
---
## Notes
Facilitators' notes.
"""


def _tree(tmp_path) -> Path:
    root = write_valid_tree(tmp_path / "course")
    write(root, DAY1, VALID_DAY)
    return root


def test_a_valid_day_is_loaded_with_its_agenda(tmp_path):
    root = _tree(tmp_path)
    assert validate_course(root) == []
    (day,) = load_course(root).core_days
    assert (day.slug, day.day, day.modules) == ("core-day-1", 1, ["foundations"])
    assert [(a.start, a.lead) for a in day.agenda] == [
        ("09:30", "both"),
        ("10:00", "lived_experience"),
        ("10:45", "professional"),
    ]
    assert day.agenda[2].roleplay == "foundations/first-meeting" and day.agenda[1].materials == ["Slides"]
    assert "<h2>Notes</h2>" in day.body_html


CASES = [
    Case(
        "core-file-name",
        put("core/monday.md", VALID_DAY),
        "core/monday.md",
        1,
        "-",
        "core days are files named day-1.md",
    ),
    Case(
        "core-gap",
        put("core/day-3.md", VALID_DAY.replace("day: 1", "day: 3").replace("core-day-1", "core-day-3")),
        "core/day-3.md",
        1,
        "-",
        "rename this file day-2.md",
    ),
    Case(
        "core-day-mismatch",
        ed(DAY1, "day: 1", "day: 2"),
        DAY1,
        "day: 2",
        "day",
        "does not match the file name day-1.md",
    ),
    Case(
        "core-unknown-module",
        ed(DAY1, "modules: [foundations]", "modules: [nope]"),
        DAY1,
        "modules: [nope]",
        "modules.1",
        "unknown module 'nope'",
    ),
    Case(
        "core-overlap",
        ed(DAY1, 'start: "10:00"', 'start: "09:45"'),
        DAY1,
        '"09:45"',
        "agenda.2.start",
        "before the part above it ends",
    ),
    Case(
        "core-unknown-roleplay",
        ed(DAY1, "foundations/first-meeting", "foundations/nope"),
        DAY1,
        "foundations/nope",
        "agenda.3.roleplay",
        "there is no role play 'foundations/nope'",
    ),
    Case(
        "core-solo-is-not-a-roleplay",
        ed(DAY1, "foundations/first-meeting", "foundations/review-conversation"),
        DAY1,
        "foundations/review-conversation",
        "agenda.3.roleplay",
        "there is no role play",
    ),
    Case(
        "core-bad-lead",
        ed(DAY1, "lead: professional", "lead: nurse"),
        DAY1,
        "lead: nurse",
        "agenda.3.lead",
        "use one of: both, lived_experience, professional",
    ),
    Case("core-bad-time", ed(DAY1, '"09:30"', '"9.30"'), DAY1, '"9.30"', "agenda.1.start", ""),
    Case(
        "core-not-co-delivered",
        both(ed(DAY1, "lead: both", "lead: professional"), ed(DAY1, "lead: lived_experience", "lead: professional")),
        DAY1,
        "agenda:",
        "agenda",
        "no part is led by the lived-experience trainer",
    ),
    Case(
        "core-references",
        ed(DAY1, '  - "Bee P et al (2015). Professional perspectives on involvement."\n', ""),
        DAY1,
        "references:",
        "references",
        "",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(tmp_path, case):
    def mutate(root):
        write(root, DAY1, VALID_DAY)
        case.mutate(root)

    check_case(tmp_path, Case(case.id, mutate, case.file, case.where, case.field, case.says, case.nth))


def test_the_not_co_delivered_case_really_has_no_lived_experience_part(tmp_path):
    root = _tree(tmp_path)
    text = (
        (root / DAY1)
        .read_text()
        .replace("lead: both", "lead: professional")
        .replace("lead: lived_experience", "lead: professional")
    )
    (root / DAY1).write_text(text)
    assert any("no part is led by the lived-experience trainer" in p.message for p in validate_course(root))


def test_the_shipped_course_has_two_co_delivered_core_days():
    course = load_course(Path(__file__).resolve().parents[2] / "course_content")
    assert [d.day for d in course.core_days] == [1, 2]
    for day in course.core_days:
        leads = {a.lead for a in day.agenda}
        assert "lived_experience" in leads and "professional" in leads and "both" in leads
        assert any(a.roleplay for a in day.agenda) and day.references
