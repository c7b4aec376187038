"""The shipped course after the third-edition review: the corrections stay made."""

from __future__ import annotations

import re
from pathlib import Path

from equiptrain.content.loader import load_course

ROOT = Path(__file__).resolve().parents[2] / "course_content"
COURSE = load_course(ROOT)


def _text(rel: str) -> str:
    return " ".join((ROOT / rel).read_text(encoding="utf-8").split())


def test_every_knowledge_check_passes_at_80():
    assert {m.slug: m.quiz.pass_mark for m in COURSE.modules if m.quiz} == {m.slug: 80 for m in COURSE.modules}


def test_no_two_knowledge_check_prompts_say_the_same_thing():
    quoted = []
    for m in COURSE.modules:
        for q in m.quiz.questions:
            quoted += [(m.slug, s) for s in re.findall(r'"([^"]{20,})"', q.prompt)]
    sayings = [s for _, s in quoted]
    assert len(sayings) == len(set(sayings)), "a quoted line is reused across knowledge checks"


def test_recall_questions_are_gone():
    for m in COURSE.modules:
        for q in m.quiz.questions:
            assert not re.search(r"which (of these )?(features )?did .*(Bee|Brooks) et al", q.prompt, re.I), q.slug
            assert q.slug not in {
                "features-of-positive-risk-taking",
                "advance-wishes-and-the-law",
                "good-plan-features",
            }


def test_caldicott_seven_is_quoted_in_its_2020_wording():
    quiz = _text("modules/05-carers-confidentiality/quiz.yaml")
    assert "for individual care is as important as" in quiz and "introduced in 2013, says" not in quiz


def test_care_and_treatment_plans_and_the_nominated_person_are_stated_precisely():
    unit = _text("modules/03-insight/units/05-advance-statements-and-decisions.md")
    for fact in (
        "England",
        "community treatment order",
        "guardianship",
        "Mental Health (Wales) Measure 2010",
        "interim nominated person",
        "section 3",
    ):
        assert fact in unit, fact
    sharing = _text("modules/05-carers-confidentiality/units/03-sharing-without-consent.md")
    assert "interim nominated person" in sharing and "section 3 is not final" in sharing


def test_the_tribunal_is_named_by_nation():
    brief = _text("modules/03-insight/scenarios/ward-round-preparation.yaml")
    assert "Mental Health Review Tribunal for Wales" in brief and "England" in brief


def test_the_involvement_measure_is_described_as_it_is():
    unit = _text("modules/01-foundations/units/05-the-equip-approach.md")
    assert "not a validated research instrument" in unit and "holds the right" in unit
