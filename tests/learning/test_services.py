"""The learning rules: sequencing, quiz scoring, branching practice and module completion."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from equiptrain import signals
from equiptrain.content import snapshot
from equiptrain.content.sync import sync_course
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.learning import record as records
from equiptrain.learning import services
from equiptrain.learning.models import PracticeAttempt, QuizAttempt, UnitRead
from tests.content.trees import edit, module_dir
from tests.learning.helpers import (
    attend_workshop,
    complete,
    finish_practice,
    module,
    pass_quiz,
    progress,
    read_all_units,
    read_unit,
    right_answers,
    solo,
    view,
    write_reflection,
)


def test_a_module_is_locked_until_its_prerequisites_are_complete(course, build):
    learner = build.user()
    course_now = snapshot.current()
    assert records.lock_reason(course_now, records.load(learner.id), view("foundations")) is None
    reason = records.lock_reason(course_now, records.load(learner.id), view("listening"))
    assert reason.startswith("Complete Foundations of involved care planning first")
    with pytest.raises(ServiceError, match="Complete Foundations"):
        read_unit(learner, "listening", "open-questions")
    with pytest.raises(ServiceError):
        services.start_practice(learner, solo("listening"))
    with pytest.raises(ServiceError):
        pass_quiz(learner, "listening")
    complete(learner, "foundations")
    assert records.lock_reason(snapshot.current(), records.load(learner.id), view("listening")) is None
    assert read_unit(learner, "listening", "open-questions")


def test_reading_a_unit_is_recorded_once_with_its_time(course, build):
    learner = build.user()
    assert read_unit(learner, "foundations", "what-involvement-means")
    assert not read_unit(learner, "foundations", "what-involvement-means")
    read = db.session.scalars(select(UnitRead)).one()
    assert read.user_id == learner.id and read.read_at is not None
    p = progress(learner, "foundations")
    assert p.units_read == 1 and p.steps_done == 1 and p.status == "in_progress"
    assert p.started_at is not None and p.completed_at is None


def test_a_read_another_request_recorded_first_is_not_counted_twice(course, build):
    # Two requests mark the same unit at once: both loaded the learner's record before either wrote. The unique
    # constraint lets one row in; the other request's insert does nothing and leaves the summary alone.
    learner = build.user()
    stale = records.load(learner.id)
    assert read_unit(learner, "foundations", "what-involvement-means")
    module_view = view("foundations")
    assert not services.mark_unit_read(learner, stale, module_view, module_view.unit("what-involvement-means")[1])
    assert db.session.scalar(select(db.func.count(UnitRead.id))) == 1
    assert progress(learner, "foundations").units_read == 1


def test_the_summary_is_what_the_record_and_the_pages_read(course, build):
    learner = build.user()
    read_all_units(learner, "foundations")
    pass_quiz(learner, "foundations")
    record = records.load(learner.id)
    summary = record.summary(view("foundations").id)
    assert summary.units_read == 2 and summary.quiz_passed_at is not None and summary.steps_done == 3
    assert record.read_unit_ids == {u.id for u in view("foundations").units}
    assert records.unmet(view("foundations"), summary) == ["practice", "reflection"]


def test_quiz_scoring_single_answer(course, build):
    learner = build.user()
    quiz = module("foundations").quiz
    answers = right_answers(quiz)
    answers["question-1"] = [1]  # wrong: 5 of 6 = 83% >= 80
    attempt = services.submit_quiz(learner, quiz, answers)
    assert (attempt.correct, attempt.total, attempt.score, attempt.passed) == (5, 6, 83, True)
    answers["question-2"] = [1]  # 4 of 6 = 66%
    attempt = services.submit_quiz(learner, quiz, answers)
    assert (attempt.correct, attempt.score, attempt.passed) == (4, 66, False)
    assert attempt.answers["question-1"] == [1] and attempt.submitted_at is not None
    # Attempts are kept; the first pass stays recorded.
    assert db.session.scalar(select(db.func.count(QuizAttempt.id))) == 2
    assert progress(learner, "foundations").quiz_passed_at is not None


def test_quiz_refuses_unanswered_and_two_answers_to_a_single_question(course, build):
    learner = build.user()
    quiz = module("foundations").quiz
    answers = right_answers(quiz)
    del answers["question-3"]
    with pytest.raises(ServiceError, match="Answer question 3"):
        services.submit_quiz(learner, quiz, answers)
    answers["question-3"] = [1, 2]
    with pytest.raises(ServiceError, match="Question 3: choose one option"):
        services.submit_quiz(learner, quiz, answers)


def test_quiz_scoring_multiple_answer_needs_exactly_the_right_options(course, build):
    edit(course, f"{module_dir('foundations')}/quiz.yaml", "correct: false", "correct: true")  # question 1: both
    sync_course(course)
    learner = build.user()
    quiz = module("foundations").quiz
    q1 = quiz.questions[0]
    assert q1.multiple
    answers = right_answers(quiz)
    assert answers["question-1"] == [1, 2]
    assert services.submit_quiz(learner, quiz, answers).correct == 6
    answers["question-1"] = [2]  # only some of the right ones: wrong
    assert services.submit_quiz(learner, quiz, answers).correct == 5
    answers["question-1"] = [2, 1, 2]  # duplicates and order do not matter
    assert services.submit_quiz(learner, quiz, answers).correct == 6


def test_practice_records_the_path_and_the_ending(course, build):
    learner = build.user()
    attempt = services.start_practice(learner, solo("foundations"))
    assert attempt.current_node == "opening" and not attempt.finished
    services.choose(learner, attempt, 1)
    assert attempt.current_node == "tell-me-more" and attempt.path == [{"node": "opening", "choice": 1}]
    services.choose(learner, attempt, 1)
    assert attempt.finished and attempt.ending == "ending-opened-up" and attempt.outcome == "good"
    assert attempt.path == [{"node": "opening", "choice": 1}, {"node": "tell-me-more", "choice": 1}]
    assert progress(learner, "foundations").practice_done_at == attempt.finished_at
    with pytest.raises(ServiceError, match="reached its ending"):
        services.choose(learner, attempt, 1)


def test_practice_restart_keeps_every_attempt(course, build):
    learner = build.user()
    first = services.start_practice(learner, solo("foundations"))
    services.choose(learner, first, 1)
    second = finish_practice(learner, "foundations", choices=(2,))  # restart, straight to the poor ending
    assert second.outcome == "poor" and second.path == [{"node": "opening", "choice": 2}]
    db.session.expire_all()
    rows = db.session.scalars(select(PracticeAttempt).order_by(PracticeAttempt.id)).all()
    assert [(a.finished, len(a.path)) for a in rows] == [(False, 1), (True, 1)]


def test_practice_refuses_an_unknown_choice_and_someone_elses_attempt(course, build):
    learner, other = build.user(), build.user()
    attempt = services.start_practice(learner, solo("foundations"))
    with pytest.raises(ServiceError, match="Choose one of the responses"):
        services.choose(learner, attempt, 3)
    with pytest.raises(ServiceError, match="not your practice attempt"):
        services.choose(other, attempt, 1)
    assert attempt.path == []


RULES = ("units", "quiz", "practice", "reflection", "workshop")
COMBINATIONS = [c for n in range(1, 6) for c in itertools.combinations(RULES, n)]
DO = {
    "units": lambda u: read_all_units(u, "foundations"),
    "quiz": lambda u: pass_quiz(u, "foundations"),
    "practice": lambda u: finish_practice(u, "foundations"),
    "reflection": lambda u: write_reflection(u, "foundations"),
    "workshop": lambda u: attend_workshop(u, "foundations"),
}


@pytest.mark.parametrize("rules", COMBINATIONS, ids="+".join)
def test_module_completes_when_its_last_requirement_is_met(course, build, rules):
    md = f"{module_dir('foundations')}/module.md"
    for rule in RULES:
        edit(
            course,
            md,
            f"  {rule}: {'false' if rule in ('workshop',) else 'true'}",
            f"  {rule}: {'true' if rule in rules else 'false'}",
        )
    sync_course(course)
    assert module("foundations").requirements == list(rules)
    learner = build.user()
    completed = []
    signals.module_completed.connect(receiver := lambda user, **kw: completed.append((user, kw["module"].slug)))
    try:
        for rule in rules[:-1]:
            DO[rule](learner)
        p = progress(learner, "foundations")
        assert p is None or p.completed_at is None
        assert completed == []
        DO[rules[-1]](learner)
        assert progress(learner, "foundations").completed_at is not None
        assert completed == [(learner, "foundations")]
        DO[rules[-1]](learner)  # doing it again does not complete it twice
        assert len(completed) == 1
    finally:
        signals.module_completed.disconnect(receiver)


def test_requirements_met_before_a_module_opens_complete_it_when_it_opens(course, build):
    learner = build.user()
    write_reflection(learner, "listening")  # recorded, but listening is locked
    assert progress(learner, "listening").reflection_done_at is not None
    complete(learner, "foundations")
    assert progress(learner, "listening").completed_at is None
    read_all_units(learner, "listening")
    pass_quiz(learner, "listening")
    finish_practice(learner, "listening")
    assert progress(learner, "listening").completed_at is not None


def test_learning_listens_to_reflections_and_workshops():
    assert any(r is services.record_reflection for r in _receivers(signals.reflection_written))
    assert any(r is services.record_workshop for r in _receivers(signals.workshop_attended))


def _receivers(signal):
    return list(signal.receivers_for(None))
