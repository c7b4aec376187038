"""Setting variants of a section and reading time worked out from the text: the validator's rules, the loader's
rendering and the order a learner sees."""

from __future__ import annotations

import pytest

from equiptrain.content.loader import load_course, validate_course
from equiptrain.content.variants import (
    WORDS_PER_MINUTE,
    count_words,
    order_variants,
    reading_minutes,
    variant_groups,
)
from tests.content.cases import Case, F, check_case, ed
from tests.content.trees import edit, write_valid_tree

U1 = f"{F}/units/01-what-involvement-means.md"

VARIANTS = """
!!! setting-inpatient "Worked example"
    On the ward, Sam and his named nurse plan leave together.

!!! setting-community "Worked example"
    At home, Sam and his care coordinator plan the week together.

!!! setting-all "Worked example"
    Wherever you work, plan the next step with Sam.
"""


def _with_variants(root, text: str = VARIANTS) -> None:
    edit(root, U1, "Teaching text about what-involvement-means.", "Teaching text.\n" + text)


def test_a_group_of_variants_is_valid_and_rendered_as_one_group(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    _with_variants(root)
    assert validate_course(root) == []
    html = load_course(root).modules[0].units[0].body_html
    assert html.count('class="et-variants"') == 1
    assert html.count('class="admonition setting-') == 3


def test_the_learners_setting_comes_first_then_all_then_the_rest(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    _with_variants(root)
    html = load_course(root).modules[0].units[0].body_html
    community = order_variants(html, {"community"})
    assert community.index("setting-community") < community.index("setting-all") < community.index("setting-inpatient")
    assert "Your setting: Community mental health" in community
    inpatient = order_variants(html, {"inpatient"})
    assert inpatient.index("setting-inpatient") < inpatient.index("setting-community")
    assert "Your setting: Inpatient" in inpatient
    # No team: the version for every setting first, and nobody is told it is theirs.
    nobody = order_variants(html, set())
    assert nobody.index("setting-all") < nobody.index("setting-inpatient")
    assert "Your setting" not in nobody
    # The text outside the group is untouched.
    assert community.startswith(html.split('<div class="et-variants">')[0])


def test_a_page_without_variants_is_returned_as_it_is():
    html = "<p>Nothing to reorder.</p>"
    assert order_variants(html, {"inpatient"}) is html


CASES = [
    Case(
        "variant-alone",
        ed(U1, "Teaching text about", '!!! setting-crisis "Worked example"\n    In a crisis.\n\nTeaching text about'),
        U1,
        "!!! setting-crisis",
        "body",
        "stands alone",
    ),
    Case(
        "variant-unknown-setting",
        ed(U1, "Teaching text about", '!!! setting-ward "Worked example"\n    On the ward.\n\nTeaching text about'),
        U1,
        "!!! setting-ward",
        "body",
        "unknown setting variant 'setting-ward'",
    ),
    Case(
        "variant-twice",
        ed(
            U1,
            "Teaching text about",
            '!!! setting-crisis "A"\n    One.\n\n!!! setting-crisis "B"\n    Two.\n\nTeaching text about',
        ),
        U1,
        '!!! setting-crisis "B"',
        "body",
        "appears twice in one group",
    ),
    Case(
        "variant-nested-box",
        ed(
            U1,
            "Teaching text about",
            '!!! setting-crisis "A"\n    One.\n\n    !!! note "Inside"\n        No.\n\n'
            '!!! setting-inpatient "B"\n    Two.\n\nTeaching text about',
        ),
        U1,
        '    !!! note "Inside"',
        "body",
        "cannot hold another box",
    ),
    Case(
        "variant-title-unquoted",
        ed(U1, "Teaching text about", "!!! setting-crisis Worked\n    One.\n\nTeaching text about"),
        U1,
        "!!! setting-crisis Worked",
        "body",
        "put the box title in double quotes",
    ),
    Case(
        "minutes-not-derived",
        ed(U1, "minutes: 1\n", "minutes: 14\n"),
        U1,
        "minutes: 14",
        "minutes",
        "reading time is worked out from the text (1 minute at 200 words a minute), not 14",
    ),
    Case(
        "module-time-says-another-figure",
        ed(f"{F}/module.md", "Welcome to", "Allow about 60 minutes. Welcome to"),
        f"{F}/module.md",
        "Allow about 60 minutes",
        "body",
        "the introduction says 'about 60 minutes' but estimated_minutes is 90",
    ),
    Case(
        "module-time-shorter-than-its-reading",
        ed(U1, "Teaching text about", "word " * 20_000 + "Teaching text about"),
        f"{F}/module.md",
        "estimated_minutes: 90",
        "estimated_minutes",
        "less than the 102 minutes its units take to read",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(tmp_path, case):
    check_case(tmp_path, case)


def test_separated_variants_are_two_groups_each_alone():
    text = '!!! setting-crisis "A"\n    One.\n\nA paragraph.\n\n!!! setting-inpatient "B"\n    Two.\n'
    assert [[s for _, s, _ in g] for g in variant_groups(text)] == [["crisis"], ["inpatient"]]


def test_variants_in_a_code_block_are_not_variants():
    assert variant_groups('```\n!!! setting-crisis "A"\n    One.\n```\n') == []


def test_reading_time_follows_length_and_counts_one_variant_per_group():
    assert WORDS_PER_MINUTE == 200
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 201) == 2
    assert reading_minutes("word " * 1200) == 6
    assert count_words("[a link](https://example.org/a-long-path) and **bold**") == 4
    group = '!!! setting-crisis "A"\n' + "    word\n" * 300 + '\n!!! setting-inpatient "B"\n' + "    word\n" * 100
    # The learner reads the longer variant (300 words plus the title), not both.
    assert reading_minutes(group) == 2
    assert reading_minutes(group + "word " * 150) == 3


def test_the_real_course_shows_reading_times_that_follow_length():
    from pathlib import Path

    course = load_course(Path(__file__).resolve().parents[2] / "course_content")
    units = [u for m in course.modules for u in m.units]
    assert all(u.minutes == reading_minutes(u.body_md) for u in units)
    plain = sorted((u for u in units if not variant_groups(u.body_md)), key=lambda u: count_words(u.body_md))
    assert len(plain) > 20
    assert all(a.minutes <= b.minutes for a, b in zip(plain, plain[1:], strict=False))


CITATION_CASES = [
    Case(
        "citation-missing",
        ed(U1, "Teaching text about", "As Brooks et al. (2015) found, teaching text about"),
        U1,
        "As Brooks et al. (2015)",
        "-",
        "the module's references have no entry by Brooks from 2015",
    ),
    Case(
        "citation-wrong-year",
        ed(U1, "Teaching text about", "(Bee et al., 2016) Teaching text about"),
        U1,
        "(Bee et al., 2016)",
        "-",
        "no entry by Bee from 2016",
    ),
    Case(
        "guideline-missing",
        ed(U1, "Teaching text about", "NICE's guideline NG43 says. Teaching text about"),
        U1,
        "NG43",
        "-",
        "guideline NG43 is named but the module's references do not list it",
    ),
    Case(
        "citation-in-module-body",
        ed(f"{F}/module.md", "Welcome to", "Smith and colleagues (2020) say. Welcome to"),
        f"{F}/module.md",
        "Smith and colleagues (2020)",
        "-",
        "no entry by Smith from 2020",
    ),
]


@pytest.mark.parametrize("case", CITATION_CASES, ids=str)
def test_citation_rule(tmp_path, case):
    check_case(tmp_path, case)


def test_a_cited_study_in_the_references_passes(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    edit(root, U1, "Teaching text about", "As Bee et al. (2015) found, teaching text about")
    assert validate_course(root) == []


def test_content_status_lists_the_new_units_as_awaiting_lived_experience_review():
    from pathlib import Path

    from equiptrain.content.loader import read_tree
    from equiptrain.content.provenance import status_report, status_rows

    tree, problems = read_tree(Path(__file__).resolve().parents[2] / "course_content")
    assert problems == []
    report = "\n".join(status_report(status_rows(tree), False))
    for path in (
        "modules/03-insight/units/06-race-equality-and-detention.md",
        "modules/05-carers-confidentiality/units/06-young-people-and-transition.md",
        "modules/02-listening/units/07-learning-disability-and-autism.md",
        "modules/06-writing-together/units/07-gps-and-the-plan.md",
        "modules/03-insight/scenarios/same-decision-for-everyone.yaml",
        "modules/06-writing-together/scenarios/a-review-with-the-gp.yaml",
    ):
        assert path in report
