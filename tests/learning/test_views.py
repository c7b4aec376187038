"""The learner's pages: programme, module, units, quiz and practice, and the server-side sequencing."""

from __future__ import annotations

import re

import pytest

from equiptrain.extensions import db
from equiptrain.learning.models import PracticeAttempt, QuizAttempt
from tests.learning.helpers import complete, module, progress, right_answers

LOCKED_PAGES = [
    "/modules/listening",
    "/modules/listening/units/open-questions",
    "/modules/listening/quiz",
    "/modules/listening/practice/review-conversation",
]


@pytest.mark.parametrize("path", LOCKED_PAGES)
def test_locked_module_pages_answer_403_with_the_reason(course, build, login, client, path):
    login(build.user())
    response = client.get(path)
    assert response.status_code == 403
    assert "Complete Foundations of involved care planning first" in response.text


def test_locked_actions_answer_403(course, build, login, client):
    login(build.user())
    assert client.post("/modules/listening/units/open-questions/read").status_code == 403
    assert client.post("/modules/listening/practice/review-conversation/start").status_code == 403
    assert client.post("/modules/listening/quiz", data={}).status_code == 403


def test_programme_page_shows_status_progress_and_one_continue(course, build, login, client):
    learner = build.user()
    login(learner)
    page = client.get("/programme").text
    assert "Available" in page and "Locked" in page and "Complete Foundations of involved care planning first" in page
    assert page.count(">Continue<") == 1
    assert 'href="/modules/foundations/units/what-involvement-means"' in page
    complete(learner, "foundations")
    db.session.commit()
    page = client.get("/programme").text
    assert "Complete</strong>" in page and 'href="/modules/listening/units/open-questions"' in page
    assert "You have completed 1 of 2 modules" in client.get("/").text


def test_reading_units_in_order(course, build, login, client):
    learner = build.user()
    login(learner)
    page = client.get("/modules/foundations/units/what-involvement-means").text
    assert "Mark as read and continue" in page and "Power in the relationship" in page  # next link
    response = client.post("/modules/foundations/units/what-involvement-means/read")
    assert response.headers["Location"] == "/modules/foundations/units/power-in-the-relationship"
    assert "You have read this page" in client.get("/modules/foundations/units/what-involvement-means").text
    response = client.post("/modules/foundations/units/power-in-the-relationship/read")
    assert response.headers["Location"] == "/modules/foundations"
    overview = client.get("/modules/foundations").text
    assert "read every page (2 of 2 read)" in overview
    assert "Practise in pairs or in a workshop" in overview and "A first care-planning meeting" in overview
    assert "You want to start the care plan today" not in overview  # role briefs stay private
    assert progress(learner, "foundations").units_read == 2


def test_unit_and_programme_pages_run_a_small_fixed_number_of_queries(
    app, course, build, login, client, count_queries, monkeypatch
):
    # As in production: the course comes from the worker's snapshot, so only the learner's state is queried.
    monkeypatch.setitem(app.config, "CONTENT_CACHE_SECONDS", 300)
    learner = build.user()
    login(learner)
    client.get("/modules/foundations/units/what-involvement-means")  # builds the snapshot
    client.post("/modules/foundations/units/what-involvement-means/read")
    for path in ("/modules/foundations/units/power-in-the-relationship", "/programme"):
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        # At most: the signed-in user (with roles), the learner's progress, the units they have read (and, on My
        # programme, their open refreshers); never the course itself, whatever its size.
        assert counted.count <= (4 if path == "/programme" else 3), (path, [s[:80] for s in counted.statements])
        content = [s for s in counted.statements if re.search(r"FROM (modules|units|programmes|scenarios)\b", s)]
        assert not content, (path, content)


def test_marking_a_unit_read_runs_at_most_five_statements(
    app, course, build, login, client, count_queries, monkeypatch, csrf_on
):
    monkeypatch.setitem(app.config, "CONTENT_CACHE_SECONDS", 300)
    learner = build.user()
    login(learner)
    page = client.get("/modules/foundations/units/what-involvement-means").text  # builds the snapshot
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    with count_queries() as counted:
        response = client.post("/modules/foundations/units/what-involvement-means/read", data={"csrf_token": token})
    assert response.status_code == 302
    # The signed-in user, the learner's record, the read inserted, the summary brought up to date.
    assert counted.count <= 5, [s[:80] for s in counted.statements]
    assert progress(learner, "foundations").units_read == 1
    with count_queries() as counted:  # marking it again changes nothing
        client.post("/modules/foundations/units/what-involvement-means/read", data={"csrf_token": token})
    assert counted.count <= 2 and progress(learner, "foundations").units_read == 1


def test_a_forged_mark_as_read_does_nothing(course, build, login, client, csrf_on):
    learner = build.user()
    login(learner)
    assert client.post("/modules/foundations/units/what-involvement-means/read").status_code == 400
    assert progress(learner, "foundations") is None


def test_passing_the_knowledge_check_says_what_is_still_needed(course, build, login, client):
    learner = build.user()
    login(learner)
    quiz = module("foundations").quiz
    data = {f"q_{q.id}": str(right_answers(quiz)[q.slug][0]) for q in quiz.questions}
    result = client.get(client.post("/modules/foundations/quiz", data=data).headers["Location"]).text
    assert "Well done" in result
    assert (
        "To complete Foundations of involved care planning you still need to read the 2 pages you have not "
        "read yet, finish a solo practice scenario and write a reflective log entry linked to this module."
    ) in result
    assert 'href="/modules/foundations/units/what-involvement-means"' in result  # the next step


@pytest.mark.parametrize("who", ["admin", "trainer"])
def test_trainers_and_admins_preview_a_locked_module_without_recording_progress(course, build, login, client, who):
    from equiptrain.trainers.models import TrainerModule

    person = build.user(who, org=build.org())
    if who == "trainer":
        db.session.add(TrainerModule(trainer_profile_id=person.trainer_profile.id, module_id=module("listening").id))
        db.session.commit()
    login(person)
    page = client.get("/modules/listening/units/open-questions")
    assert page.status_code == 200
    assert "Preview" in page.text and "Mark as read" not in page.text
    overview = client.get("/modules/listening").text
    assert "Preview" in overview and 'href="/modules/listening/units/open-questions"' in overview
    assert client.post("/modules/listening/units/open-questions/read").status_code == 403
    assert client.get("/modules/listening/quiz").status_code == 403
    assert progress(person, "listening") is None


def test_a_trainer_who_does_not_deliver_a_module_cannot_preview_it(course, build, login, client):
    login(build.user("trainer", org=build.org()))
    assert client.get("/modules/listening/units/open-questions").status_code == 403


def test_quiz_form_shows_every_explanation_after_submitting(course, build, login, client):
    learner = build.user()
    login(learner)
    quiz = module("foundations").quiz
    form = client.get("/modules/foundations/quiz").text
    names = re.findall(r'name="(q_\d+)"', form)
    assert len(set(names)) == 6
    response = client.post("/modules/foundations/quiz", data={names[0]: "2"})
    assert response.status_code == 200 and "Answer question 2: choose one option" in response.text
    data = {f"q_{q.id}": str(right_answers(quiz)[q.slug][0]) for q in quiz.questions}
    data[f"q_{quiz.questions[0].id}"] = "1"
    response = client.post("/modules/foundations/quiz", data=data)
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).text
    assert "passed" in result and "5 of 6" in result
    assert result.count("Not right") == 1 and result.count(">Right<") == 5
    assert result.count("Why it is wrong.") == 6 and result.count("Why it is right.") == 6
    attempt = db.session.scalars(db.select(QuizAttempt)).one()
    assert attempt.user_id == learner.id and attempt.passed


def test_someone_elses_quiz_attempt_is_not_found(course, build, login, client):
    owner = build.user()
    from tests.learning.helpers import pass_quiz

    attempt = pass_quiz(owner, "foundations")
    db.session.commit()
    login(build.user())
    assert client.get(f"/modules/foundations/quiz/attempts/{attempt.id}").status_code == 404


def test_practice_by_posts_and_redirects(course, build, login, client):
    learner = build.user()
    login(learner)
    assert "Start the scenario" in client.get("/modules/foundations/practice/review-conversation").text
    client.post("/modules/foundations/practice/review-conversation/start")
    attempt = db.session.scalars(db.select(PracticeAttempt)).one()
    page = client.get("/modules/foundations/practice/review-conversation").text
    assert "Sam looks at the floor" in page and "Ask what has changed since last time." in page
    response = client.post(
        "/modules/foundations/practice/review-conversation/choose", data={"attempt": attempt.id, "choice": 1}
    )
    assert response.status_code == 302
    page = client.get("/modules/foundations/practice/review-conversation").text
    assert "An open question gives Sam room." in page and "Sam says the plan was never really theirs" in page
    client.post("/modules/foundations/practice/review-conversation/choose", data={"attempt": attempt.id, "choice": 2})
    page = client.get("/modules/foundations/practice/review-conversation").text
    assert "Sam goes quiet again." in page and "The conversation closed down" in page and "ask before you tell" in page
    assert "Start again" in page
    detail = client.get(f"/modules/foundations/practice/review-conversation/attempts/{attempt.id}").text
    assert "Read out the goals" not in detail and "Explain why the goals were chosen." in detail


def test_a_choice_without_a_response_says_what_to_do(course, build, login, client):
    login(build.user())
    client.post("/modules/foundations/practice/review-conversation/start")
    attempt = db.session.scalars(db.select(PracticeAttempt)).one()
    client.post("/modules/foundations/practice/review-conversation/choose", data={"attempt": attempt.id})
    assert "Choose one of the responses shown." in client.get("/modules/foundations/practice/review-conversation").text


def test_module_page_asks_for_confidence_before_and_links_prompts_to_the_log(course, build, login, client):
    from sqlalchemy import select

    from equiptrain.content.models import Module
    from equiptrain.extensions import db
    from equiptrain.reflection.models import ConfidenceResponse

    learner = build.user()
    login(learner)
    page = client.get("/modules/foundations").text
    assert "/modules/foundations/confidence/before?next=/modules/foundations" in page
    assert "/reflection/new?module=foundations&amp;prompt=" in page
    module_id = db.session.scalar(select(Module.id).where(Module.slug == "foundations"))
    db.session.add(ConfidenceResponse(user_id=learner.id, module_id=module_id, phase="before", answers={}))
    db.session.commit()
    assert "/confidence/before" not in client.get("/modules/foundations").text
