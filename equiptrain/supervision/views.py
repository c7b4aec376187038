"""Team supervision pages: the plans a person can see, one team's plan with its due dates and action plan, and the
session templates (the agenda a trainer runs)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from equiptrain import ui
from equiptrain.accounts.models import Team
from equiptrain.authz import can, get_or_abort, roles_required
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import choices, form_error
from equiptrain.supervision import queries, services
from equiptrain.supervision.forms import ActionForm, ReviewForm, SessionForm, StartPlanForm
from equiptrain.supervision.models import ActionStatus, TeamAction
from equiptrain.workshops.models import Workshop

bp = Blueprint("supervision", __name__)

ui.add_nav(
    "Supervision", "supervision.index", ("trainer", "manager", "admin"), order=35, leads_for=("trainer", "manager")
)
ROLES = ("trainer", "manager", "admin")


def _home_panel(user) -> str | None:
    if not (user.is_trainer or user.is_manager or user.is_admin):
        return None
    overdue = queries.overdue_count(user)
    if not overdue:
        return None
    return Markup(render_template("supervision/_home_panel.html", overdue=overdue))


ui.add_home_panel("supervision", _home_panel, order=25)


def _team(team_id: int, plan: bool = False) -> Team:
    return get_or_abort(Team, team_id, "plan_supervision" if plan else "see_supervision")


def _fill(team, plan, start_form=None, action_form=None):
    start_form = start_form or StartPlanForm(prefix="start")
    start_form.core_workshop.choices = choices(
        [("", "None recorded")] + [(w.id, f"{w.title} ({w.ends_at:%d %b %Y})") for w in queries.cores(team)]
    )
    action_form = action_form or ActionForm(prefix="action")
    numbers = [(s.number, f"Session {s.number}") for s in plan.sessions] if plan else []
    action_form.session_number.choices = choices(numbers)
    return start_form, action_form


def _page(team, start_form=None, action_form=None, status=200):
    plan = queries.plan_for(team)
    start_form, action_form = _fill(team, plan, start_form, action_form)
    numbers = [(s.number, f"Session {s.number}") for s in plan.sessions] if plan else []
    review_forms = {}
    for action in plan.actions if plan else []:
        form = ReviewForm(
            prefix=f"review-{action.id}",
            status=action.status.value,
            session_number=str(action.reviewed_at_session or ""),
        )
        form.session_number.choices = choices([("", "Not reviewed yet")] + numbers)
        review_forms[action.id] = form
    session_form = SessionForm(prefix="session")
    session_form.workshop.choices = choices(
        [("", "Not scheduled yet")]
        + [(w.id, f"{w.title} ({w.starts_at:%d %b %Y})") for w in queries.linkable_workshops(team)]
    )
    return render_template(
        "supervision/team.html",
        team=team,
        plan=plan,
        today=queries.today(),
        templates=queries.templates(),
        start_form=start_form,
        action_form=action_form,
        review_forms=review_forms,
        session_form=session_form,
        may_plan=can(current_user, "plan_supervision", team),
    ), status


@bp.route("/supervision/")
@roles_required(*ROLES)
def index():
    return render_template(
        "supervision/index.html",
        **queries.overview(current_user),
        may_plan=current_user.is_admin or current_user.is_trainer,
    )


@bp.route("/supervision/teams/<int:team_id>")
@roles_required(*ROLES)
def team(team_id: int):
    return _page(_team(team_id))


@bp.route("/supervision/teams/<int:team_id>/plan", methods=["POST"])
@roles_required("trainer", "admin")
def start_plan(team_id: int):
    team = _team(team_id, plan=True)
    form = StartPlanForm(prefix="start")
    _fill(team, None, start_form=form)
    if form.validate_on_submit():
        core = db.session.get(Workshop, int(form.core_workshop.data)) if form.core_workshop.data else None
        try:
            services.start_plan(current_user, team, form.starts_on.data, core)
        except ServiceError as exc:
            form_error(form, exc, "starts_on")
        else:
            flash("Supervision plan started. The sessions' due dates are below.", "info")
            return redirect(url_for("supervision.team", team_id=team.id))
    return _page(team, start_form=form, status=400)


def _planned_session(team: Team, number: int):
    plan = queries.plan_for(team)
    session = next((s for s in plan.sessions if s.number == number), None) if plan else None
    if session is None:
        abort(404, "This team's plan has no such session.")
    return session


@bp.route("/supervision/teams/<int:team_id>/sessions/<int:number>", methods=["POST"])
@roles_required("trainer", "admin")
def planned_session(team_id: int, number: int):
    team = _team(team_id, plan=True)
    session = _planned_session(team, number)
    form = SessionForm(prefix="session")
    form.workshop.choices = choices(
        [("", "Not scheduled yet")] + [(w.id, w.title) for w in queries.linkable_workshops(team)]
    )
    if not form.validate_on_submit():
        errors = (
            form.workshop.errors
            or form.due_on.errors
            or ["Choose a listed workshop, or enter the due date as a date such as 2026-05-01."]
        )
        flash(errors[0], "error")
        return redirect(url_for("supervision.team", team_id=team.id) + f"#session-{number}")
    workshop = db.session.get(Workshop, int(form.workshop.data)) if form.workshop.data else None
    due_on = form.due_on.data if form.due_on.data and form.due_on.data != session.due_on else None
    try:
        services.update_session(current_user, session, due_on=due_on, workshop=workshop)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Session {number} saved." + (" Its workshop's register counts toward CPD." if workshop else ""), "info")
    return redirect(url_for("supervision.team", team_id=team.id) + f"#session-{number}")


@bp.route("/supervision/teams/<int:team_id>/actions", methods=["POST"])
@roles_required(*ROLES)
def add_action(team_id: int):
    team = _team(team_id)
    plan = queries.plan_for(team) or abort(404, "Start the team's supervision plan first.")
    form = ActionForm(prefix="action")
    _fill(team, plan, action_form=form)
    if form.validate_on_submit():
        try:
            services.add_action(
                current_user,
                plan,
                session_number=int(form.session_number.data),
                action=form.action.data,
                owner=form.owner.data,
                due_on=form.due_on.data,
            )
        except ServiceError as exc:
            form_error(form, exc, "action")
        else:
            flash("Action added to the team's action plan.", "info")
            return redirect(url_for("supervision.team", team_id=team.id) + "#actions")
    return _page(team, action_form=form, status=400)


@bp.route("/supervision/teams/<int:team_id>/actions/<int:action_id>", methods=["POST"])
@roles_required(*ROLES)
def review_action(team_id: int, action_id: int):
    team = _team(team_id)
    action = db.session.get(TeamAction, action_id)
    if action is None or action.plan.team_id != team.id:
        abort(404)
    form = ReviewForm(prefix=f"review-{action.id}")
    form.session_number.choices = choices(
        [("", "Not reviewed yet")] + [(s.number, f"Session {s.number}") for s in action.plan.sessions]
    )
    if form.validate_on_submit():
        try:
            services.review_action(
                current_user,
                action,
                status=ActionStatus(form.status.data),
                note=form.note.data,
                session_number=int(form.session_number.data) if form.session_number.data else None,
            )
            flash("Action updated.", "info")
        except ServiceError as exc:
            flash(exc.message, "error")
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return redirect(url_for("supervision.team", team_id=team.id) + f"#action-{action.id}")


@bp.route("/supervision/sessions/<int:number>")
@roles_required(*ROLES)
def template(number: int):
    found = queries.template(number)
    if found is None:
        abort(404, "There is no supervision session with that number in the course files.")
    return render_template("supervision/template.html", template=found)
