"""The learner's pages: my programme, module overview, units, the knowledge check and solo practice.

Every module page checks graduated order on the server: a locked module answers 403 with the reason.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from equiptrain import cli, ui
from equiptrain.accounts.models import TeamSetting
from equiptrain.accounts.services import ServiceError
from equiptrain.authz import roles_required
from equiptrain.content import ordering, provenance, snapshot
from equiptrain.content.models import Module, Scenario
from equiptrain.content.sync import sync_on_serve
from equiptrain.db import db_id
from equiptrain.extensions import db
from equiptrain.reflection.models import ConfidenceResponse

from . import queries, services
from .forms import EmptyForm, field_name, quiz_form
from .models import PracticeAttempt, QuizAttempt

bp = Blueprint("learning", __name__)
SETTING_LABELS = {s.value: s.label for s in TeamSetting} | {"all": "All settings"}

ui.add_nav("My programme", "learning.programme", ("learner",), order=10)
if sync_on_serve not in cli.SERVE_PREPARATIONS:
    cli.SERVE_PREPARATIONS.append(sync_on_serve)


def _home_panel(user) -> str | None:
    states = queries.module_states(user)
    if not states:
        return None
    return render_template("learning/_home_panel.html", states=states,
                           complete=sum(s.status == queries.COMPLETE for s in states),
                           step=queries.continue_step(user, states))


ui.add_home_panel("learning", _home_panel, order=10)


def _unlocked(slug: str, state: queries.LearnerState | None = None) -> snapshot.ModuleView:
    """The active module as the worker's snapshot has it, or 404; 403 with the reason when its prerequisites
    are not complete (one query for the learner's completed modules, unless `state` already holds them)."""
    course = snapshot.current()
    view = course.by_slug.get(slug)
    if view is None:
        abort(404)
    completed = (state or queries.learner_state(current_user)).completed_module_ids
    reason = services.lock_reason(view, course.by_slug, lambda m: m.id in completed)
    if reason:
        abort(403, description=f"{view.title} is locked. {reason}")
    return view


def _open_module(slug: str) -> Module:
    """The active, unlocked module's row (for the pages that need more than the snapshot holds)."""
    return db.session.get(Module, _unlocked(slug).id)


@bp.route("/programme")
@roles_required("learner")
def programme():
    states = queries.module_states(current_user)
    step = queries.continue_step(current_user, states)
    return render_template("learning/programme.html", programme_title=snapshot.current().title, states=states,
                           step=step,
                           complete=sum(s.status == queries.COMPLETE for s in states))


@bp.route("/modules/<slug>")
@roles_required("learner")
def module(slug: str):
    module = _open_module(slug)
    page = queries.module_page(current_user, module)
    # Scenarios that fit the learner's teams' settings come first (content.ordering).
    settings = ordering.team_settings(current_user)
    page["solo"], page["roleplays"] = (ordering.by_setting(page["solo"], settings),
                                       ordering.by_setting(page["roleplays"], settings))
    state = next(s for s in queries.module_states(current_user) if s.module.id == module.id)
    state.next_step = queries.next_step(current_user, state)
    # The confidence scale is asked before a module and again after it (the reflection feature keeps it).
    answered = set(db.session.scalars(select(ConfidenceResponse.phase).where(
        ConfidenceResponse.user_id == current_user.id, ConfidenceResponse.module_id == module.id)))
    ask = "after" if state.status == queries.COMPLETE else "before"
    return render_template("learning/module.html", module=module, progress=state.progress, state=state,
                           confidence_phase=None if ask in answered else ask, team_settings=settings,
                           setting_labels=SETTING_LABELS, made_by=provenance.describe, **page)


@bp.route("/modules/<slug>/units/<unit_slug>")
@roles_required("learner")
def unit(slug: str, unit_slug: str):
    # The page learners open most: the course comes from the worker's snapshot, the learner's state from one
    # small query (completed modules for the lock, units read). The form needs only the CSRF token, which
    # the template writes itself.
    state = queries.learner_state(current_user)
    module = _unlocked(slug, state)
    found = module.unit(unit_slug)
    if found is None:
        abort(404)
    index, page = found
    units = module.units
    return render_template("learning/unit.html", module=module, unit=page, units=units, index=index,
                           read=page.id in state.read_unit_ids,
                           previous=units[index - 1] if index else None,
                           next=units[index + 1] if index + 1 < len(units) else None)


@bp.route("/modules/<slug>/units/<unit_slug>/read", methods=["POST"])
@roles_required("learner")
def mark_read(slug: str, unit_slug: str):
    module = _open_module(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    units = queries.active_units(module)
    index = next((i for i, u in enumerate(units) if u.slug == unit_slug), None)
    if index is None:
        abort(404)
    try:
        services.mark_unit_read(current_user, units[index])
    except ServiceError as exc:
        abort(403, description=exc.message)
    if index + 1 < len(units):
        return redirect(url_for("learning.unit", slug=slug, unit_slug=units[index + 1].slug))
    flash(f"You have read every page of {module.title}.", "info")
    return redirect(url_for("learning.module", slug=slug))


def _active_quiz(module: Module):
    quiz = module.quiz
    if quiz is None or quiz.retired_at is not None:
        abort(404)
    return quiz


@bp.route("/modules/<slug>/quiz", methods=["GET", "POST"])
@roles_required("learner")
def quiz(slug: str):
    module = _open_module(slug)
    quiz = _active_quiz(module)
    questions = [q for q in quiz.questions if q.retired_at is None]
    form = quiz_form(questions)
    if form.validate_on_submit():
        answers = {}
        for q in questions:
            data = form[field_name(q)].data
            answers[q.slug] = [int(v) for v in (data if isinstance(data, list) else [data])]
        try:
            attempt = services.submit_quiz(current_user, quiz, answers)
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            return redirect(url_for("learning.quiz_attempt", slug=slug, attempt_id=attempt.id))
    attempts = queries.quiz_attempts(current_user, quiz.id)
    return render_template("learning/quiz.html", module=module, quiz=quiz, form=form, questions=questions,
                           attempts=attempts, field_name=field_name)


@bp.route("/modules/<slug>/quiz/attempts/<int:attempt_id>")
@roles_required("learner")
def quiz_attempt(slug: str, attempt_id: int):
    module = _open_module(slug)
    quiz = _active_quiz(module)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.quiz_id != quiz.id:
        abort(404)
    results = []
    for q in quiz.questions:
        if q.slug in attempt.answers:
            chosen = attempt.answers[q.slug]
            results.append((q, chosen, services.score_question(q, chosen)))
    return render_template("learning/quiz_result.html", module=module, quiz=quiz, attempt=attempt,
                           results=results, attempts=queries.quiz_attempts(current_user, quiz.id))


def _solo(module: Module, scenario_slug: str) -> Scenario:
    scenario = db.session.scalar(select(Scenario).where(Scenario.module_id == module.id,
                                                        Scenario.slug == scenario_slug, Scenario.kind == "solo",
                                                        Scenario.retired_at.is_(None)))
    if scenario is None:
        abort(404)
    return scenario


def _last_feedback(scenario: Scenario, attempt: PracticeAttempt | None):
    """The response the learner last chose and its feedback, for showing before the next node."""
    if attempt is None or not attempt.path:
        return None
    step = attempt.path[-1]
    node = scenario.data["nodes"].get(step["node"])
    if node is None or not 1 <= step["choice"] <= len(node["choices"]):
        return None
    return node["choices"][step["choice"] - 1]


@bp.route("/modules/<slug>/practice/<scenario_slug>")
@roles_required("learner")
def practice(slug: str, scenario_slug: str):
    module = _open_module(slug)
    scenario = _solo(module, scenario_slug)
    attempts = queries.practice_attempts(current_user, scenario.id)
    latest = attempts[0] if attempts else None
    nodes = scenario.data["nodes"]
    node = nodes.get(latest.current_node) if latest and not latest.finished and latest.current_node else None
    ending = nodes[latest.ending]["ending"] if latest and latest.finished and latest.ending in nodes else None
    return render_template("learning/practice.html", module=module, scenario=scenario, attempt=latest, node=node,
                           ending=ending, feedback=_last_feedback(scenario, latest), attempts=attempts,
                           form=EmptyForm())


@bp.route("/modules/<slug>/practice/<scenario_slug>/start", methods=["POST"])
@roles_required("learner")
def practice_start(slug: str, scenario_slug: str):
    module = _open_module(slug)
    scenario = _solo(module, scenario_slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.start_practice(current_user, scenario)
    except ServiceError as exc:
        abort(403, description=exc.message)
    return redirect(url_for("learning.practice", slug=slug, scenario_slug=scenario_slug))


@bp.route("/modules/<slug>/practice/<scenario_slug>/choose", methods=["POST"])
@roles_required("learner")
def practice_choose(slug: str, scenario_slug: str):
    module = _open_module(slug)
    scenario = _solo(module, scenario_slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt = db.session.get(PracticeAttempt, request.form.get("attempt", type=db_id) or 0)
    if attempt is None or attempt.user_id != current_user.id or attempt.scenario_id != scenario.id:
        abort(404)
    try:
        services.choose(current_user, attempt, request.form.get("choice", type=db_id) or 0)
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("learning.practice", slug=slug, scenario_slug=scenario_slug))


@bp.route("/modules/<slug>/practice/<scenario_slug>/attempts/<int:attempt_id>")
@roles_required("learner")
def practice_attempt(slug: str, scenario_slug: str, attempt_id: int):
    module = _open_module(slug)
    scenario = _solo(module, scenario_slug)
    attempt = db.session.get(PracticeAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.scenario_id != scenario.id:
        abort(404)
    nodes = scenario.data["nodes"]
    steps = []
    for step in attempt.path:
        node = nodes.get(step["node"])
        if node and 1 <= step["choice"] <= len(node["choices"]):
            steps.append(node["choices"][step["choice"] - 1])
    ending = nodes.get(attempt.ending or "", {}).get("ending")
    return render_template("learning/practice_attempt.html", module=module, scenario=scenario, attempt=attempt,
                           steps=steps, ending=ending)
