"""Care-plan audit pages: the teams a person audits, a team's rounds, scoring a plan, and the team report."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from equiptrain import ui
from equiptrain.accounts.models import Team, User
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.careaudit import queries, sampling, services
from equiptrain.careaudit.forms import RoundForm, field_name, score_form
from equiptrain.careaudit.models import AuditRound, RoundKind
from equiptrain.errors import ServiceError
from equiptrain.forms import EmptyForm, choices, form_error

bp = Blueprint("careaudit", __name__, url_prefix="/care-plan-audit")

AUDITORS = ("manager", "trainer", "admin", "platform_admin")
ui.add_nav(
    "Care-plan audit",
    "careaudit.index",
    ("manager", "trainer", "admin"),
    order=60,
    leads_for=("manager", "programme_lead"),
)


def _team(team_id: int) -> Team:
    return get_or_abort(Team, team_id, "audit")


@bp.route("/")
@roles_required(*AUDITORS)
def index():
    return render_template("careaudit/index.html", teams=queries.teams_for(current_user))


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@roles_required(*AUDITORS)
def team(team_id: int):
    team = _team(team_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            round_ = services.create_round(
                current_user,
                team,
                label=form.label.data,
                kind=RoundKind(form.kind.data),
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                caseload_size=form.caseload_size.data,
                sample_size=form.sample_size.data,
                double_share=form.double_share.data if form.double_share.data is not None else 20,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(f"Round '{round_.label}' is open. Score the team's care plans in it.", "info")
            return redirect(url_for("careaudit.round", round_id=round_.id))
    return render_template(
        "careaudit/team.html",
        team=team,
        form=form,
        rounds=queries.rounds_with_counts(team),
        minimum=current_app.config["MIN_GROUP_SIZE"],
    )


@bp.route("/rounds/<int:round_id>", endpoint="round")
@roles_required(*AUDITORS)
def round_page(round_id: int):
    round_ = get_or_abort(AuditRound, round_id)
    plans = queries.round_plans(round_)
    complete = {p.second_of_id for p in plans if p.second_of_id}
    double = set(queries.double_positions(round_))
    # Blind double scoring: a double-scored plan's scores stay hidden from everyone but their own auditor
    # until both scorings are in.
    hidden = {
        p.id
        for p in plans
        if p.sample_position in double
        and p.auditor_id != current_user.id
        and (p.id not in complete if p.second_of_id is None else p.second_of_id not in complete)
    }
    return render_template(
        "careaudit/round.html",
        round=round_,
        plans=plans,
        hidden=hidden,
        sample=queries.sample_of(round_),
        status=queries.double_status(round_),
        double=double,
        criteria=services.active_criteria(),
        form=EmptyForm(),
    )


@bp.route("/rounds/<int:round_id>/state", methods=["POST"])
@roles_required(*AUDITORS)
def round_state(round_id: int):
    round_ = get_or_abort(AuditRound, round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("action") == "reopen":
            services.reopen_round(current_user, round_)
            flash("The round is open again.", "info")
        else:
            services.close_round(current_user, round_)
            flash("The round is closed.", "info")
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("careaudit.round", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/score", methods=["GET", "POST"])
@roles_required(*AUDITORS)
def score(round_id: int):
    round_ = get_or_abort(AuditRound, round_id)
    if not round_.is_open:
        flash("This round is closed. Reopen it to add more plans.", "error")
        return redirect(url_for("careaudit.round", round_id=round_.id))
    criteria = services.active_criteria()
    form = score_form(criteria)
    people = [u for u in services.co_auditor_choices(round_.team) if u.id != current_user.id]
    form.co_auditors.choices = choices((u.id, _person_label(u)) for u in people)
    status = queries.double_status(round_)
    double = set(queries.double_positions(round_))
    form.sample_position.choices = choices(
        (str(p), f"The {sampling.ordinal(p)} on the list" + (" (second scoring, blind)" if s == "first scored" else ""))
        for p, s in status.items()
        if s != "done"
    )
    if criteria and form.validate_on_submit():
        chosen = {str(u.id): u for u in people}
        try:
            services.score_plan(
                current_user,
                round_,
                {c.slug: int(getattr(form, field_name(c.slug)).data) for c in criteria},
                excerpt=form.excerpt.data or "",
                co_auditors=[chosen[v] for v in form.co_auditors.data or [] if v in chosen],
                sample_position=int(form.sample_position.data) if (form.sample_position.data or "").isdigit() else None,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash("Plan scored. Score the next one, or go back to the round.", "info")
            return redirect(url_for("careaudit.score", round_id=round_.id))
    return render_template(
        "careaudit/score.html",
        round=round_,
        criteria=criteria,
        form=form,
        fields=[(c, getattr(form, field_name(c.slug))) for c in criteria],
        sampled=bool(round_.sample_positions),
        double=double,
    )


def _person_label(user: User) -> str:
    kind = user.trainer_profile.kind.label if user.trainer_profile else None
    return f"{user.name} ({kind})" if kind else user.name


@bp.route("/teams/<int:team_id>/report")
@roles_required(*AUDITORS)
def report(team_id: int):
    team = _team(team_id)
    return render_template("careaudit/report.html", team=team, report=queries.report(team))
