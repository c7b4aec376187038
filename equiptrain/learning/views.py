"""The learner's pages: my programme, module overview, units, the knowledge check and solo practice.

Every module page checks graduated order on the server: a locked module answers 403 with the reason. Trainers
who deliver a module and admins may open its overview and units even when it is locked for them, as a preview
that records nothing. Every form post's CSRF token is checked before the view runs (CSRFProtect, for the
whole app), so no view does work for a forged request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from equiptrain import ui
from equiptrain.accounts.models import Organisation, TeamSetting
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.content import ordering, provenance, snapshot, variants
from equiptrain.content.models import LocalPage, Quiz, Scenario
from equiptrain.content.snapshot import ModuleView
from equiptrain.db import db_id
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import form_error

from . import queries, services
from . import record as records
from .forms import EmptyForm, field_name, quiz_form
from .models import PracticeAttempt, QuizAttempt

# What other features show on a module page (reflection: the confidence questionnaire's invitation), so learning
# imports none of them: each panel is `render(user, module, complete) -> Markup | None`.
_MODULE_PANELS: list[Callable[[Any, ModuleView, bool], Markup | None]] = []


def add_module_panel(render: Callable[[Any, ModuleView, bool], Markup | None]) -> None:
    _MODULE_PANELS.append(render)


def module_panels(user, module: ModuleView, complete: bool) -> list[Markup]:
    return [panel for render in _MODULE_PANELS if (panel := render(user, module, complete)) is not None]


# What other features show at the top of My programme (reminders: open refreshers and what expires when), each
# `render(user) -> Markup | None`.
_PROGRAMME_PANELS: list[Callable[[Any], Markup | None]] = []


def add_programme_panel(render: Callable[[Any], Markup | None]) -> None:
    _PROGRAMME_PANELS.append(render)


def programme_panels(user) -> list[Markup]:
    return [panel for render in _PROGRAMME_PANELS if (panel := render(user)) is not None]


bp = Blueprint("learning", __name__)


@bp.app_template_filter("duration")
def duration(minutes: int) -> str:
    """A module's estimated time in words: "about 45 minutes", "about 1 hour 30 minutes", "about 2 hours"."""
    if minutes < 60:
        return f"about {minutes} minutes"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} hour{'s' if hours > 1 else ''}" + (f" {rest} minutes" if rest else "")


SETTING_LABELS = {s.value: s.label for s in TeamSetting} | {"all": "All settings"}

ui.add_nav("My programme", "learning.programme", ("learner",), order=10)


def _home_panel(user) -> str | None:
    course = snapshot.current()
    if not course.modules:
        return None
    states = queries.module_states(course, records.load(user.id))
    return render_template(
        "learning/_home_panel.html",
        states=states,
        complete=sum(s.status == queries.COMPLETE for s in states),
        step=queries.continue_step(states),
    )


ui.add_home_panel("learning", _home_panel, order=10)


def _open(slug: str, record: records.LearnerRecord, preview: bool = False) -> tuple[ModuleView, bool]:
    """The active module by slug from the course snapshot, or 404; when its prerequisites are not complete,
    403 with the reason, unless `preview` is allowed and the person may preview it: then (module, True)."""
    course = snapshot.current()
    module = course.by_slug.get(slug)
    if module is None:
        abort(404)
    reason = records.lock_reason(course, record, module)
    if reason:
        if preview and services.may_preview(current_user, module):
            return module, True
        abort(403, description=f"{module.title} is locked. {reason}")
    return module, False


def local_pages(user, module_slug: str) -> list[LocalPage]:
    """The pages the person's organisation added to this module (course_content/local/), in order (one query)."""
    if user.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(LocalPage)
            .join(Organisation, Organisation.name == LocalPage.organisation_name)
            .where(
                Organisation.id == user.organisation_id,
                LocalPage.module_slug == module_slug,
                LocalPage.retired_at.is_(None),
            )
            .order_by(LocalPage.position)
        )
    )


@bp.route("/modules/<slug>/local/<page_slug>")
@roles_required("learner")
def local_page(slug: str, page_slug: str):
    """A page the learner's own organisation added to this module, marked as local (others: 404)."""
    module, preview = _open(slug, records.load(current_user.id), preview=True)
    page = next((p for p in local_pages(current_user, module.slug) if p.slug == page_slug), None)
    if page is None:
        abort(404)
    body = page.body_html
    if variants.HAS_VARIANTS in body:
        body = variants.order_variants(body, ordering.team_settings(current_user))
    return render_template("learning/local_page.html", module=module, page=page, body=body, preview=preview)


def _module(slug: str) -> ModuleView:
    return _open(slug, records.load(current_user.id))[0]


@bp.route("/programme")
@roles_required("learner")
def programme():
    course = snapshot.current()
    states = queries.module_states(course, records.load(current_user.id))
    return render_template(
        "learning/programme.html",
        programme_title=course.title,
        states=states,
        step=queries.continue_step(states),
        complete=sum(s.status == queries.COMPLETE for s in states),
        panels=programme_panels(current_user),
    )


@bp.route("/modules/<slug>")
@roles_required("learner")
def module(slug: str):
    record = records.load(current_user.id)
    module, preview = _open(slug, record, preview=True)
    state = queries.module_state(snapshot.current(), record, module)
    if not preview:
        state.next_step = queries.next_step(state)
    quiz = module.quiz
    # Scenarios that fit the learner's teams' settings come first (content.ordering).
    settings = ordering.team_settings(current_user)
    return render_template(
        "learning/module.html",
        module=module,
        state=state,
        progress=state.summary,
        preview=preview,
        units=module.units,
        read_ids=record.read_unit_ids,
        solo=ordering.by_setting(module.solo, settings),
        roleplays=ordering.by_setting(module.roleplays, settings),
        team_settings=settings,
        setting_labels=SETTING_LABELS,
        made_by=provenance.describe,
        local_pages=local_pages(current_user, module.slug),
        best_score=queries.best_score(current_user, quiz.id) if quiz and not preview else None,
        panels=[] if preview else module_panels(current_user, module, state.status == queries.COMPLETE),
    )


@bp.route("/modules/<slug>/units/<unit_slug>")
@roles_required("learner")
def unit(slug: str, unit_slug: str):
    # The page learners open most: the course comes from the worker's snapshot, the learner's record from one
    # query. The form needs only the CSRF token, which the template writes itself.
    record = records.load(current_user.id)
    module, preview = _open(slug, record, preview=True)
    found = module.unit(unit_slug)
    if found is None:
        abort(404)
    index, page = found
    units = module.units
    body = page.body_html
    if variants.HAS_VARIANTS in body:  # only pages with setting variants pay the query for the learner's teams
        body = variants.order_variants(body, ordering.team_settings(current_user))
    return render_template(
        "learning/unit.html",
        module=module,
        unit=page,
        body=body,
        units=units,
        index=index,
        read=page.id in record.read_unit_ids,
        preview=preview,
        previous=units[index - 1] if index else None,
        next=units[index + 1] if index + 1 < len(units) else None,
    )


@bp.route("/modules/<slug>/units/<unit_slug>/read", methods=["POST"])
@roles_required("learner")
def mark_read(slug: str, unit_slug: str):
    record = records.load(current_user.id)
    module, _ = _open(slug, record)
    found = module.unit(unit_slug)
    if found is None:
        abort(404)
    index, page = found
    try:
        services.mark_unit_read(current_user, record, module, page)
    except ServiceError as exc:
        abort(403, description=exc.message)
    if index + 1 < len(module.units):
        return redirect(url_for("learning.unit", slug=slug, unit_slug=module.units[index + 1].slug))
    flash(f"You have read every page of {module.title}.", "info")
    return redirect(url_for("learning.module", slug=slug))


def _active_quiz(module: ModuleView) -> Quiz:
    quiz = db.session.get(Quiz, module.quiz.id) if module.quiz is not None else None
    if quiz is None:
        abort(404)
    return quiz


@bp.route("/modules/<slug>/quiz", methods=["GET", "POST"])
@roles_required("learner")
def quiz(slug: str):
    record = records.load(current_user.id)
    module, _ = _open(slug, record)
    quiz = _active_quiz(module)
    questions = [q for q in quiz.questions if q.retired_at is None]
    form = quiz_form(questions)
    if form.validate_on_submit():
        answers = {}
        for q in questions:
            data = form[field_name(q)].data
            answers[q.slug] = [int(v) for v in (data if isinstance(data, list) else [data])]
        try:
            attempt = services.submit_quiz(current_user, quiz, answers, record)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            return redirect(url_for("learning.quiz_attempt", slug=slug, attempt_id=attempt.id))
    attempts = queries.quiz_attempts(current_user, quiz.id)
    return render_template(
        "learning/quiz.html",
        module=module,
        quiz=quiz,
        form=form,
        questions=questions,
        attempts=attempts,
        field_name=field_name,
    )


@bp.route("/modules/<slug>/quiz/attempts/<int:attempt_id>")
@roles_required("learner")
def quiz_attempt(slug: str, attempt_id: int):
    record = records.load(current_user.id)
    module, _ = _open(slug, record)
    quiz = _active_quiz(module)
    attempt = get_or_abort(QuizAttempt, attempt_id)
    if attempt.quiz_id != quiz.id:
        abort(404)
    results = []
    for q in quiz.questions:
        if q.slug in attempt.answers:
            chosen = attempt.answers[q.slug]
            results.append((q, chosen, services.score_question(q, chosen)))
    state = queries.module_state(snapshot.current(), record, module)
    state.next_step = queries.next_step(state)
    return render_template(
        "learning/quiz_result.html",
        module=module,
        quiz=quiz,
        attempt=attempt,
        results=results,
        attempts=queries.quiz_attempts(current_user, quiz.id),
        state=state,
    )


def _solo(module: ModuleView, scenario_slug: str) -> Scenario:
    scenario = db.session.scalar(
        select(Scenario).where(
            Scenario.module_id == module.id,
            Scenario.slug == scenario_slug,
            Scenario.kind == "solo",
            Scenario.retired_at.is_(None),
        )
    )
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
    module = _module(slug)
    scenario = _solo(module, scenario_slug)
    attempts = queries.practice_attempts(current_user, scenario.id)
    latest = attempts[0] if attempts else None
    nodes = scenario.data["nodes"]
    node = nodes.get(latest.current_node) if latest and not latest.finished and latest.current_node else None
    ending = nodes[latest.ending]["ending"] if latest and latest.finished and latest.ending in nodes else None
    return render_template(
        "learning/practice.html",
        module=module,
        scenario=scenario,
        attempt=latest,
        node=node,
        ending=ending,
        feedback=_last_feedback(scenario, latest),
        attempts=attempts,
        form=EmptyForm(),
    )


@bp.route("/modules/<slug>/practice/<scenario_slug>/start", methods=["POST"])
@roles_required("learner")
def practice_start(slug: str, scenario_slug: str):
    record = records.load(current_user.id)
    module, _ = _open(slug, record)
    scenario = _solo(module, scenario_slug)
    try:
        services.start_practice(current_user, scenario, record)
    except ServiceError as exc:
        abort(403, description=exc.message)
    return redirect(url_for("learning.practice", slug=slug, scenario_slug=scenario_slug))


@bp.route("/modules/<slug>/practice/<scenario_slug>/choose", methods=["POST"])
@roles_required("learner")
def practice_choose(slug: str, scenario_slug: str):
    record = records.load(current_user.id)
    module, _ = _open(slug, record)
    scenario = _solo(module, scenario_slug)
    attempt = get_or_abort(PracticeAttempt, request.form.get("attempt", type=db_id) or 0)
    if attempt.scenario_id != scenario.id:
        abort(404)
    try:
        services.choose(current_user, attempt, request.form.get("choice", type=db_id) or 0, record)
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("learning.practice", slug=slug, scenario_slug=scenario_slug))


@bp.route("/modules/<slug>/practice/<scenario_slug>/attempts/<int:attempt_id>")
@roles_required("learner")
def practice_attempt(slug: str, scenario_slug: str, attempt_id: int):
    module = _module(slug)
    scenario = _solo(module, scenario_slug)
    attempt = get_or_abort(PracticeAttempt, attempt_id)
    if attempt.scenario_id != scenario.id:
        abort(404)
    nodes = scenario.data["nodes"]
    steps = []
    for step in attempt.path:
        node = nodes.get(step["node"])
        if node and 1 <= step["choice"] <= len(node["choices"]):
            steps.append(node["choices"][step["choice"] - 1])
    ending = nodes.get(attempt.ending or "", {}).get("ending")
    return render_template(
        "learning/practice_attempt.html", module=module, scenario=scenario, attempt=attempt, steps=steps, ending=ending
    )
