"""Co-production records: written_by / reviewed_by in units and scenarios, the publishing rule, `content status`,
and references every module must list."""

from __future__ import annotations

import pytest

from equiptrain.content import provenance
from equiptrain.content.loader import load_course, validate_course
from equiptrain.content.source import Tree
from tests.content.cases import Case, F, both, check_case, ed
from tests.content.trees import write_valid_tree

MOD = f"{F}/module.md"
U1 = f"{F}/units/01-what-involvement-means.md"
SOLO = f"{F}/scenarios/review-conversation.yaml"
WRITTEN = '  - {role: professional, when: "2026-11"}\n'
REQUIRE = ed("programme.yaml", "modules:\n", "publishing:\n  require_lived_experience_review: true\nmodules:\n")

CASES = [
    Case("written-by-missing", ed(U1, "written_by:\n" + WRITTEN, ""), U1, 2, "written_by", "'written_by' is missing"),
    Case(
        "scenario-written-by-missing",
        ed(SOLO, "written_by:\n" + WRITTEN, ""),
        SOLO,
        1,
        "written_by",
        "'written_by' is missing",
    ),
    Case(
        "contributor-role",
        ed(U1, "role: professional", "role: nurse"),
        U1,
        "role: nurse",
        "written_by.1.role",
        "'nurse' is not allowed here: use one of: professional, service_user_trainer, carer_trainer",
    ),
    Case(
        "month-not-a-month",
        ed(U1, 'when: "2026-11"', 'when: "November"'),
        U1,
        "November",
        "written_by.1.when",
        "'November' is not a month",
    ),
    Case(
        "name-without-consent",
        ed(U1, WRITTEN, WRITTEN + 'reviewed_by:\n  - {role: carer_trainer, name: Morwenna Tait, when: "2027-03"}\n'),
        U1,
        "Morwenna Tait",
        "reviewed_by.1.name",
        "a name is shown only with that person's consent",
    ),
    Case(
        "review-before-writing",
        ed(U1, WRITTEN, WRITTEN + 'reviewed_by:\n  - {role: carer_trainer, when: "2025-01"}\n'),
        U1,
        "2025-01",
        "reviewed_by.1.when",
        "is dated before the unit was written",
    ),
    Case(
        "publishing-requires-review",
        REQUIRE,
        U1,
        2,
        "-",
        "this unit has not been reviewed by a service-user or carer trainer",
    ),
    Case(
        "publishing-requires-review-scenario",
        REQUIRE,
        SOLO,
        1,
        "-",
        "this scenario has not been reviewed by a service-user or carer trainer",
    ),
    Case(
        "publishing-professional-review-is-not-enough",
        both(REQUIRE, ed(U1, WRITTEN, WRITTEN + 'reviewed_by:\n  - {role: professional, when: "2026-12"}\n')),
        U1,
        "reviewed_by:",
        "reviewed_by",
        "requires that before its module is published",
    ),
    Case(
        "references-required",
        ed(
            MOD,
            'references:\n  - "Bee P et al (2015). Professional perspectives on involvement."\n',
            "references: []\n",
        ),
        MOD,
        "references: []",
        "references",
        "needs at least 1 reference",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(tmp_path, case):
    check_case(tmp_path, case)


def test_reviewed_content_passes_the_publishing_rule(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    REQUIRE(root)
    review = WRITTEN + 'reviewed_by:\n  - {role: service_user_trainer, when: "2027-03"}\n'
    for rel in root.glob("modules/*/units/*.md"):
        rel.write_text(rel.read_text().replace(WRITTEN, review, 1))
    for rel in root.glob("modules/*/scenarios/*.yaml"):
        rel.write_text(rel.read_text().replace(WRITTEN, review, 1))
    assert validate_course(root) == []


def test_names_are_kept_only_with_consent_and_describe_says_who_and_when(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    (root / U1).write_text(
        (root / U1)
        .read_text()
        .replace(
            WRITTEN,
            WRITTEN
            + (
                "reviewed_by:\n"
                '  - {role: service_user_trainer, when: "2027-03"}\n'
                '  - {role: carer_trainer, name: Morwenna Tait, consent_to_name: true, when: "2027-04"}\n'
            ),
            1,
        )
    )
    unit = load_course(root).modules[0].units[0]
    assert unit.provenance["reviewed_by"][1]["name"] == "Morwenna Tait"
    assert provenance.describe(unit.provenance) == [
        "Written by a professional trainer, November 2026.",
        "Reviewed by a service-user trainer, March 2027; Morwenna Tait (carer trainer), April 2027.",
    ]
    other = load_course(root).modules[0].units[1]
    assert provenance.describe(other.provenance) == [
        "Written by a professional trainer, November 2026.",
        "Not yet reviewed by a service-user or carer trainer.",
    ]


def _tree(root) -> Tree:
    from equiptrain.content.loader import _read

    return _read(root)[0]


def test_status_lists_what_no_lived_experience_trainer_has_reviewed(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    (root / U1).write_text(
        (root / U1)
        .read_text()
        .replace(WRITTEN, WRITTEN + 'reviewed_by:\n  - {role: carer_trainer, when: "2027-03"}\n', 1)
    )
    rows = provenance.status_rows(_tree(root))
    lines = provenance.status_report(rows, required=False)
    assert lines[0] == "1 of 8 units and scenarios have been reviewed by a service-user or carer trainer."
    assert not any("what-involvement-means" in line for line in lines)
    assert any(
        line.startswith(f"  {F}/units/02-power-in-the-relationship.md: unit 'power-in-the-relationship'")
        for line in lines
    )
    assert sum(line.startswith("  modules/") for line in lines) == 7


def test_content_status_command_lists_unreviewed_content(app, tmp_path):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from equiptrain.cli import main

    root = write_valid_tree(tmp_path / "course")
    REQUIRE(root)
    result = CliRunner().invoke(main, ["content", "status", str(root)], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "0 of 8 units and scenarios have been reviewed" in result.output
    assert "programme.yaml requires this review before a module is published." in result.output
    assert f"{F}/scenarios/review-conversation.yaml: scenario 'review-conversation' (foundations)" in result.output


def test_someone_named_in_two_months_is_named_once_and_people_shown_by_role_stay_apart():
    team = {"role": "professional", "name": "the EquipTrain course team"}
    record = {
        "written_by": [{**team, "when": "2026-11"}, {**team, "when": "2026-12"}],
        "reviewed_by": [
            {"role": "service_user_trainer", "name": None, "when": "2027-03"},
            {"role": "service_user_trainer", "name": None, "when": "2027-03"},
        ],
    }
    assert provenance.describe(record) == [
        "Written by the EquipTrain course team, November 2026 and December 2026.",
        "Reviewed by a service-user trainer and a service-user trainer, March 2027.",
    ]
