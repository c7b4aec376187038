"""The valid tree loads into the expected structure; problems are all reported at once, sorted."""

from __future__ import annotations

import hashlib

import pytest

from equiptrain.content.loader import ContentInvalid, Problem, load_course, validate_course
from tests.content.cases import F, L
from tests.content.trees import edit, write_valid_tree


@pytest.fixture
def root(tmp_path):
    return write_valid_tree(tmp_path / "course")


def test_valid_tree_has_no_problems(root):
    assert validate_course(root) == []


def test_programme_and_confidence(root):
    course = load_course(root)
    assert course.programme.slug == "equip"
    assert course.programme.module_slugs == ["foundations", "listening"]
    assert '<a href="/modules/foundations/units/what-involvement-means"' in course.programme.summary_html
    [certificate] = course.programme.certificates
    assert (certificate.slug, certificate.modules) == ("equip-practitioner", ["foundations", "listening"])
    assert (course.confidence.min, course.confidence.max) == (1, 5)
    assert course.confidence.labels[3] == "Moderately confident"
    assert [i.position for i in course.confidence.items] == [1, 2, 3, 4, 5, 6]


def test_modules_in_programme_order_with_their_parts(root):
    course = load_course(root)
    foundations, listening = course.modules
    assert [(m.slug, m.folder, m.position) for m in course.modules] == [
        ("foundations", "01-foundations", 1),
        ("listening", "02-listening", 2),
    ]
    assert listening.prerequisites == ["foundations"]
    assert (foundations.cpd_individual_hours, foundations.cpd_participatory_hours) == (1.5, 3.0)
    assert foundations.completion.quiz and not foundations.completion.workshop
    assert foundations.settings == ["all"]
    assert [a.role for a in foundations.authors] == ["professional", "service_user_trainer"]
    assert [(p.slug, p.position) for p in foundations.reflective_prompts] == [
        ("a-plan-you-wrote", 1),
        ("a-time-you-listened", 2),
    ]
    assert foundations.intro_md.startswith("Welcome to **Foundations")
    assert '<a href="/modules/foundations/units/what-involvement-means"' in foundations.intro_html
    module_md = (root / F / "module.md").read_text(encoding="utf-8")
    assert foundations.content_hash == hashlib.sha256(module_md.encode()).hexdigest()


def test_units_render_boxes_and_links(root):
    unit1, unit2 = load_course(root).modules[0].units
    assert [(unit1.slug, unit1.position), (unit2.slug, unit2.position)] == [
        ("what-involvement-means", 1),
        ("power-in-the-relationship", 2),
    ]
    assert unit1.minutes == 1 and unit1.body_md.startswith("## What involvement means")
    assert '<div class="admonition lived-experience">' in unit1.body_html
    assert 'href="/modules/foundations/units/power-in-the-relationship"' in unit1.body_html
    listening_unit = load_course(root).modules[1].units[1]
    assert 'href="/modules/foundations/units/what-involvement-means"' in listening_unit.body_html


def test_quiz(root):
    edit(root, f"{F}/quiz.yaml", "correct: false", "correct: true")
    quiz = load_course(root).modules[0].quiz
    assert quiz.pass_mark == 80 and len(quiz.questions) == 6
    first, second = quiz.questions[:2]
    assert first.multiple and not second.multiple
    assert [(o.position, o.correct) for o in second.options] == [(1, False), (2, True)]
    assert second.options[0].explanation == "Why it is wrong."


def test_quiz_is_optional(root):
    (root / F / "quiz.yaml").unlink()
    edit(root, f"{F}/module.md", "quiz: true", "quiz: false")
    assert load_course(root).modules[0].quiz is None


def test_role_play(root):
    roleplay, solo = load_course(root).modules[0].scenarios
    assert (roleplay.slug, roleplay.kind, roleplay.position) == ("first-meeting", "roleplay", 1)
    assert list(roleplay.roles) == ["practitioner", "service_user", "carer", "observer"]
    assert roleplay.roles["service_user"].title == "Daniel, 34"
    assert roleplay.roles["observer"].brief_html == "<p>Watch for open questions.</p>"
    assert [c.slug for c in roleplay.observer_checklist] == ["asked-priorities", "summarised", "checked-understanding"]
    assert len(roleplay.debrief_questions) == 2
    assert roleplay.timings == {"prepare_minutes": 5, "play_minutes": 10, "debrief_minutes": 10}
    assert roleplay.start is None and roleplay.nodes == []


def test_solo(root):
    solo = load_course(root).modules[0].scenarios[1]
    assert (solo.slug, solo.kind, solo.position, solo.start) == ("review-conversation", "solo", 2, "opening")
    assert solo.roles == {} and solo.observer_checklist == [] and solo.debrief_questions == [] and solo.timings == {}
    opening = solo.nodes[0]
    assert opening.text_html == "<p>Sam looks at the floor and says nothing.</p>" and opening.ending is None
    assert [(c.position, c.next) for c in opening.choices] == [(1, "tell-me-more"), (2, "ending-closed-down")]
    assert opening.choices[0].feedback_html == "<p>An open question gives Sam room.</p>"
    good = solo.nodes[2]
    assert good.choices == [] and good.ending.outcome == "good"
    assert good.ending.debrief_html == "<p>You let Sam lead.</p>"


def test_load_course_raises_with_every_problem(root):
    edit(root, f"{F}/quiz.yaml", "pass_mark: 80", "pass_mark: 0")
    edit(root, f"{L}/module.md", "minutes: 90", "minutes: ninety")
    with pytest.raises(ContentInvalid) as raised:
        load_course(root)
    assert [p.file for p in raised.value.problems] == [f"{F}/quiz.yaml", f"{L}/module.md"]
    assert "2 problem(s)" in str(raised.value)


def test_one_pass_keeps_going_past_broken_files(root):
    """A file that cannot be parsed is reported and skipped; the rest are still checked, without false alarms."""
    edit(root, f"{F}/units/02-power-in-the-relationship.md", "minutes: 1", "minutes: [1")
    edit(root, f"{F}/scenarios/review-conversation.yaml", "start: opening", "start: [opening")
    edit(root, f"{L}/quiz.yaml", "pass_mark: 80", "pass_mark: 101")
    edit(root, "confidence.yaml", "max: 5", "max: five")
    problems = validate_course(root)
    assert [(p.file, p.field) for p in problems] == [
        ("confidence.yaml", "scale.max"),
        (f"{F}/scenarios/review-conversation.yaml", "-"),
        (f"{F}/units/02-power-in-the-relationship.md", "-"),
        (f"{L}/quiz.yaml", "pass_mark"),
    ]
    # The link to the broken unit and completion.practice are not reported: they cannot be judged yet.


def test_problems_are_sorted_by_file_then_line(root):
    edit(root, f"{F}/module.md", "estimated_minutes: 90", "estimated_minutes: 0")
    edit(root, f"{F}/module.md", "settings: [all]", "settings: [everywhere]")
    edit(root, f"{F}/module.md", "slug: foundations", "slug: Foundations")
    edit(root, "programme.yaml", "slug: equip", "slug: EQUIP")
    problems = validate_course(root)
    keys = [(p.file, p.line) for p in problems]
    assert keys == sorted(keys) and keys[-1] == ("programme.yaml", 1) and len(keys) >= 4


def test_problem_prints_as_file_line_field_message():
    problem = Problem("modules/01-foundations/quiz.yaml", 4, "questions.2.options", "needs at least 2 options")
    assert str(problem) == "modules/01-foundations/quiz.yaml:4: questions.2.options: needs at least 2 options"
