"""xAPI statements, sent to a real learning record store (ralph): each statement type, the LRS down then back,
and a crawl of the LRS's store for anything a learner wrote."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from equiptrain.cli import main
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning import services as learning
from equiptrain.records import xapi
from equiptrain.records.models import XapiStatement
from equiptrain.reflection import confidence
from equiptrain.reflection import services as reflection
from equiptrain.workshops import services as workshops
from tests.certificates.helpers import FOUNDATIONS, attended_workshop, set_rules
from tests.learning.helpers import finish_practice, module, read_all_units
from tests.records.lrs import PASSWORD, USER, start_lrs
from tests.reflection.helpers import confidence_items
from tests.servers import free_port
from tests.workshops.helpers import make_workshop

SECRET = "My private reflection about Mrs Example's care plan"


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    server = start_lrs(tmp_path_factory.mktemp("lrs"))
    yield server
    server.stop()


@pytest.fixture
def xapi_on(app, monkeypatch, lrs):
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", lrs.endpoint)
    monkeypatch.setitem(app.config, "XAPI_USERNAME", USER)
    monkeypatch.setitem(app.config, "XAPI_PASSWORD", PASSWORD)
    return lrs


def pending():
    return db.session.scalar(select(func.count()).select_from(XapiStatement).where(XapiStatement.status == "pending"))


def mine(lrs, name: str) -> list[dict]:
    return [s for s in lrs.statements() if s["actor"]["account"]["name"] == name]


def learn_everything(build, course):
    """A learner who registers for and attends a workshop, fails then passes a knowledge check, practises, reflects
    (privately), answers the confidence questions and earns a certificate."""
    set_rules(FOUNDATIONS)
    team = build.team(build.org("Xapi Trust"))
    user = build.user("learner", team=team)
    upcoming = make_workshop(build, org=team.organisation, teams=[team], modules=[module("foundations")])
    workshops.reply(user, upcoming, True)
    confidence.answer(user, module("foundations"), "before", {i.slug: 3 for i in confidence_items()})
    read_all_units(user, "foundations")
    quiz = module("foundations").quiz
    wrong = {q.slug: [n for n, o in enumerate(q.options, 1) if not o["correct"]][:1] for q in quiz.questions}
    learning.submit_quiz(user, quiz, wrong)
    learning.submit_quiz(
        user, quiz, {q.slug: [n for n, o in enumerate(q.options, 1) if o["correct"]] for q in quiz.questions}
    )
    finish_practice(user, "foundations")
    reflection.create_entry(
        user,
        "free",
        reflection.EntryInput(
            title="Reflection on listening", fields={"text": SECRET}, module_id=module("foundations").id
        ),
        confirmed=True,
    )
    db.session.commit()
    attended_workshop(build, team, [user])
    db.session.commit()
    return user


def test_each_statement_type_reaches_the_lrs_and_nothing_a_learner_wrote(build, course, xapi_on, app):
    user = learn_everything(build, course)
    queued = db.session.scalars(select(XapiStatement).where(XapiStatement.user_id == user.id)).all()
    verbs = sorted(s.verb for s in queued)
    assert {"registered", "attended", "completed", "passed", "failed", "achieved", "responded"} <= set(verbs)
    counts = xapi.deliver_pending()
    assert counts["failed"] == 0 and counts["retry"] == 0 and counts["sent"] >= len(queued)
    name = queued[0].statement["actor"]["account"]["name"]
    stored = mine(xapi_on, name)
    assert sorted(s["id"] for s in stored) == sorted(s.id for s in queued)
    by_verb: dict[str, list[dict]] = {}
    for s in stored:
        by_verb.setdefault(s["verb"]["id"].rsplit("/", 1)[1], []).append(s)
        assert s["actor"]["account"] == {"homePage": app.config["PUBLIC_URL"], "name": name}
        assert user.email not in str(s) and user.name not in str(s)
    (attended,) = by_verb["attended"]
    assert attended["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"
    assert attended["result"]["duration"].startswith("PT")
    (passed,) = by_verb["passed"]
    (failed,) = by_verb["failed"]
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 1
    assert failed["result"]["success"] is False and failed["result"]["score"]["scaled"] < 1
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    completed_types = {s["object"]["definition"]["type"] for s in by_verb["completed"]}
    assert completed_types == {
        "http://adlnet.gov/expapi/activities/module",
        "http://adlnet.gov/expapi/activities/simulation",
    }
    (achieved,) = by_verb["achieved"]
    assert achieved["object"]["definition"]["type"] == "https://w3id.org/xapi/cred/activities/credential"
    (responded,) = by_verb["responded"]
    assert "result" not in responded  # the confidence answers never leave
    (registered,) = by_verb["registered"]
    assert registered["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"


def test_the_lrs_store_holds_no_reflective_text(build, course, xapi_on):
    learn_everything(build, course)
    from equiptrain.reflection.models import ReflectiveEntry

    written = [
        text
        for entry in db.session.scalars(select(ReflectiveEntry))
        for text in [entry.title, *[v for v in entry.fields.values() if isinstance(v, str)]]
        if len(text) > 12
    ]
    xapi.deliver_pending()
    store = xapi_on.raw_store()
    assert store  # the crawl reads something
    for text in [*written, SECRET]:
        assert text not in store


def test_the_lrs_down_then_back_loses_nothing_and_doubles_nothing(build, course, app, monkeypatch, lrs):
    down = f"http://127.0.0.1:{free_port()}/xAPI/"  # nothing listens here
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", down)
    monkeypatch.setitem(app.config, "XAPI_USERNAME", USER)
    monkeypatch.setitem(app.config, "XAPI_PASSWORD", PASSWORD)
    user = build.user("learner")
    learning_module = module("foundations")
    quiz = learning_module.quiz
    learning.submit_quiz(
        user, quiz, {q.slug: [n for n, o in enumerate(q.options, 1) if o["correct"]] for q in quiz.questions}
    )
    db.session.commit()
    waiting = pending()
    assert waiting >= 1
    counts = xapi.deliver_pending()
    assert counts == {"sent": 0, "retry": waiting, "failed": 0}
    row = db.session.scalars(select(XapiStatement).where(XapiStatement.user_id == user.id)).first()
    assert row.status == "pending" and row.attempts == 1 and "could not reach" in row.last_error
    assert row.next_attempt_at > utcnow()  # backing off
    assert xapi.deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", lrs.endpoint)
    later = utcnow() + dt.timedelta(hours=1)
    assert xapi.deliver_pending(now=later)["sent"] == waiting
    # The LRS took it; now the same statement is sent again (as after a crash between sending and recording):
    row.status = "pending"
    db.session.commit()
    assert xapi.deliver_pending(now=later)["sent"] == 1  # the LRS already holds the id: counted as delivered
    name = row.statement["actor"]["account"]["name"]
    ids = [s["id"] for s in mine(lrs, name)]
    assert len(ids) == len(set(ids)) == waiting


def test_the_same_event_never_makes_two_statements(build, course, xapi_on):
    user = build.user("learner")
    quiz = module("foundations").quiz
    attempt = learning.submit_quiz(user, quiz, {q.slug: [1] for q in quiz.questions})
    before = db.session.scalar(select(func.count()).select_from(XapiStatement))
    from equiptrain import signals

    signals.quiz_submitted.send(user, attempt=attempt, module=module("foundations"))
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == before


def test_off_unless_configured(build, course, app, monkeypatch):
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", None)
    monkeypatch.setitem(app.config, "XAPI_ORGANISATIONS", {})
    user = build.user("learner")
    quiz = module("foundations").quiz
    learning.submit_quiz(user, quiz, {q.slug: [1] for q in quiz.questions})
    assert (
        db.session.scalar(select(func.count()).select_from(XapiStatement).where(XapiStatement.user_id == user.id)) == 0
    )


def test_per_organisation_configuration_and_employee_number_actor(build, course, app, monkeypatch, lrs):
    from equiptrain.records.staffsync import settings_for

    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", None)
    org = build.org("Configured Trust")
    monkeypatch.setitem(
        app.config,
        "XAPI_ORGANISATIONS",
        {org.name: {"endpoint": lrs.endpoint, "username": USER, "password": PASSWORD}},
    )
    settings = settings_for(org)
    settings.actor_employee_number, settings.home_page = True, "https://www.riverside.nhs.uk"
    user = build.user("learner", org=org)
    user.employee_number = "E4242"
    other = build.user("learner")
    quiz = module("foundations").quiz
    for person in (user, other):
        learning.submit_quiz(person, quiz, {q.slug: [1] for q in quiz.questions})
    db.session.commit()
    (row,) = db.session.scalars(select(XapiStatement).where(XapiStatement.organisation_id == org.id)).all()
    assert row.statement["actor"]["account"] == {"homePage": "https://www.riverside.nhs.uk", "name": "E4242"}
    assert xapi.deliver_pending()["sent"] >= 1
    assert mine(lrs, "E4242")


def test_an_invalid_statement_fails_without_retrying(build, course, xapi_on):
    user = build.user("learner")
    quiz = module("foundations").quiz
    learning.submit_quiz(user, quiz, {q.slug: [1] for q in quiz.questions})
    row = db.session.scalars(select(XapiStatement).where(XapiStatement.user_id == user.id)).first()
    body = dict(row.statement)
    del body["actor"]  # a statement without an actor: the LRS refuses it
    row.statement = body
    db.session.commit()
    counts = xapi.deliver_pending()
    assert counts == {"sent": 0, "retry": 0, "failed": 1}
    db.session.refresh(row)
    assert row.status == "failed" and row.attempts == 1 and "HTTP 422" in row.last_error


def test_command_sends_what_is_due(build, course, xapi_on, app):
    user = build.user("learner")
    quiz = module("foundations").quiz
    learning.submit_quiz(user, quiz, {q.slug: [1] for q in quiz.questions})
    db.session.commit()
    out = CliRunner().invoke(main, ["xapi", "send"], obj=ScriptInfo(create_app=lambda: app), catch_exceptions=False)
    assert out.exit_code == 0 and "Sent 1" in out.output
