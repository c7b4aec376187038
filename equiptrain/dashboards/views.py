"""The dashboards: a team's training (its managers, the organisation's programme leads and admins), one person's
page, reminders, the organisation's table, downloads, and the organisation's training settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from equiptrain import ui
from equiptrain.accounts import queries as accounts_queries
from equiptrain.accounts.models import Organisation, Team, User
from equiptrain.accounts.services import ServiceError
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.dashboards import cells, charts, exports, listing, queries, services
from equiptrain.dashboards import requirements as rules
from equiptrain.dashboards.forms import TeamDeadlineForm, expiry_field_name, training_settings_form
from equiptrain.db import db_id
from equiptrain.forms import EmptyForm, choices, form_error
from equiptrain.workshops import queries as workshop_queries

bp = Blueprint("dashboards", __name__)

VIEWERS = ("manager", "programme_lead", "admin")
ui.add_nav("Team training", "dashboards.index", VIEWERS, order=40, leads_for=("manager", "programme_lead", "admin"))
ui.add_nav(
    "Mandatory training and deadlines",
    "dashboards.settings",
    ("admin",),
    order=84,
    description="What every member of staff must complete, by when, and later deadlines for teams.",
)


@bp.context_processor
def _cell_helpers() -> dict:
    return cells.HELPERS


def organisation_for(user: User) -> Organisation:
    """The organisation an organisation page is about: the person's own, or (platform admins) the one chosen."""
    if user.is_platform_admin:
        return accounts_queries.admin_organisation(user)
    # no organisation, or the row was deleted under the person: as for a missing one
    return get_or_abort(Organisation, user.organisation_id or 0, "view_training", user=user)


def _sees_organisation(user: User) -> bool:
    return user.is_admin or user.is_programme_lead


@bp.route("/dashboards")
@roles_required(*VIEWERS)
def index():
    teams = queries.managed_teams(current_user)
    return render_template("dashboards/index.html", teams=teams, sees_organisation=_sees_organisation(current_user))


# -- a team -------------------------------------------------------------------------------------------------------


def _team_page_data(team: Team):
    modules = queries.current_modules()
    requirements = rules.load(team.organisation_id)
    rows = queries.team_matrix(team, requirements, modules)
    return modules, requirements, rows


@bp.route("/dashboards/teams/<int:team_id>")
@roles_required(*VIEWERS)
def team(team_id: int):
    team = get_or_abort(Team, team_id, "view_progress")
    modules, requirements, rows = _team_page_data(team)
    items = queries.confidence_items()
    summary = queries.team_summary(team, rows, modules, items)
    view = listing.parse(request.args, listing.matrix_sort_keys(modules))
    shown = listing.apply_to_matrix(rows, view, modules)
    return render_template(
        "dashboards/team.html",
        team=team,
        modules=modules,
        requirements=requirements,
        rows=shown,
        total=len(rows),
        summary=summary,
        view=view,
        professions=sorted({r.profession for r in rows}, key=lambda p: p.label),
        statuses=rules.STATUS_LABELS,
        fact_columns=queries.FACT_COLUMNS,
        today=queries.today(),
        can_remind=current_user.is_admin or team.id in current_user.managed_team_ids,
        module_chart=charts.module_completion(team, modules, summary),
        confidence_chart=charts.team_confidence(team, summary.confidence, items),
        form=EmptyForm(),
    )


@bp.route("/dashboards/teams/<int:team_id>/people/<int:user_id>")
@roles_required(*VIEWERS)
def person(team_id: int, user_id: int):
    team = get_or_abort(Team, team_id, "view_progress")
    modules = queries.current_modules()
    requirements = rules.load(team.organisation_id)
    rows = queries.team_matrix(team, requirements, modules, only_user_id=user_id)
    if not rows:
        abort(404)
    return render_template(
        "dashboards/person.html",
        team=team,
        row=rows[0],
        modules=modules,
        requirements=requirements,
        today=queries.today(),
        statuses=rules.STATUS_LABELS,
        can_remind=current_user.is_admin or team.id in current_user.managed_team_ids,
        form=EmptyForm(),
    )


@bp.route("/dashboards/teams/<int:team_id>/remind", methods=["POST"])
@roles_required("manager", "admin")
def remind(team_id: int):
    team = get_or_abort(Team, team_id, "invite")
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = {int(v) for v in request.form.getlist("people") if v.isdigit() and len(v) < 10}
    try:
        result = services.send_reminders(current_user, team, ids)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        if result.sent:
            flash(f"Reminder sent to {', '.join(p.name for p in result.sent)}.", "info")
        for person, last in result.throttled:
            next_on = (last + services.REMINDER_INTERVAL).date()
            flash(
                f"Not sent to {person.name}: they were reminded on {last:%d %B %Y}, and a person gets at most one "
                f"reminder a week. You can remind them again from {next_on:%d %B %Y}.",
                "error",
            )
    back = request.form.get("back", "")
    return redirect(
        back if back.startswith("/dashboards/") and "//" not in back else url_for("dashboards.team", team_id=team.id)
    )


@bp.route("/dashboards/teams/<int:team_id>/export.<any(csv, xlsx):fmt>")
@roles_required(*VIEWERS)
def team_export(team_id: int, fmt: str):
    team = get_or_abort(Team, team_id, "view_progress")
    modules, _, rows = _team_page_data(team)
    header, lines = exports.matrix_table(rows, modules)
    return exports.download(fmt, f"team-training-{team.id}", "Team training", header, lines)


# -- the organisation -----------------------------------------------------------------------------------------------


@bp.route("/dashboards/organisation")
@roles_required("programme_lead", "admin")
def organisation():
    org = organisation_for(current_user)
    modules = queries.current_modules()
    requirements = rules.load(org.id)
    lines = queries.organisation_table(org.id, requirements, modules)
    view = listing.parse(request.args, listing.ORG_SORT_KEYS)
    return render_template(
        "dashboards/organisation.html",
        org=org,
        lines=listing.apply_to_organisation(lines, view),
        view=view,
        requirements=requirements,
        modules=modules,
        delivery=workshop_queries.delivery_summary(org.id),
        totals=_totals(lines),
        chart=charts.organisation_completion(org, lines),
        organisations=accounts_queries.organisations_for(current_user),
    )


def _totals(lines) -> dict:
    staff = sum(t.staff for t in lines)
    complete = sum(t.complete for t in lines)
    return {
        "teams": len(lines),
        "staff": staff,
        "complete": complete,
        "overdue": sum(t.overdue for t in lines),
        "trained": sum(t.trained for t in lines),
        "percent": round(100 * complete / staff) if staff else 0,
    }


@bp.route("/dashboards/organisation/export.<any(csv, xlsx):fmt>")
@roles_required("programme_lead", "admin")
def organisation_export(fmt: str):
    org = organisation_for(current_user)
    lines = queries.organisation_table(org.id, rules.load(org.id), queries.current_modules())
    header, rows = exports.organisation_table(lines)
    return exports.download(fmt, f"organisation-training-{org.id}", "Teams", header, rows)


@bp.route("/dashboards/organisation/compliance.csv")
@roles_required("programme_lead", "admin")
def compliance():
    org = organisation_for(current_user)
    records = list(queries.compliance_records(org.id, rules.load(org.id), queries.current_modules()))
    header, rows = exports.compliance_table(records)
    return exports.csv_response(f"compliance-{org.id}.csv", header, rows)


# -- settings -------------------------------------------------------------------------------------------------------


@bp.route("/admin/training", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    org = accounts_queries.admin_organisation(current_user)
    requirements = rules.load(org.id)
    modules = queries.current_modules()
    form = training_settings_form(modules)
    form.modules.choices = choices((m.id, m.title) for m in modules)
    expiry_fields = [(m, form[expiry_field_name(m.id)]) for m in modules]
    if request.method == "GET":
        form.modules.data = [str(m) for m in requirements.mandatory_module_ids]
        form.core_workshop.data = requirements.core_mandatory
        form.deadline.data, form.joiner_days.data = requirements.deadline, requirements.joiner_days
        for m, expiry_field in expiry_fields:
            expiry_field.data = requirements.module_expiry_months.get(m.id)
        form.core_expiry_months.data = requirements.core_expiry_months
        form.refresher_whole_module.data = requirements.refresher_whole_module
    valid = form.validate_on_submit()
    if valid:
        ticked = {int(v) for v in form.modules.data or []}
        for m, expiry_field in expiry_fields:
            if expiry_field.data and m.id not in ticked:
                expiry_field.errors = [
                    f"{m.title} is not mandatory: tick it under 'Mandatory modules', or leave its expiry blank."
                ]
    if valid and not any(f.errors for _m, f in expiry_fields):
        try:
            services.save_requirements(
                current_user,
                org,
                module_ids={int(v) for v in form.modules.data or []},
                core_workshop=form.core_workshop.data,
                deadline=form.deadline.data,
                joiner_days=form.joiner_days.data,
                module_expiry_months={m.id: f.data for m, f in expiry_fields},
                core_expiry_months=form.core_expiry_months.data,
                refresher_whole_module=bool(form.refresher_whole_module.data),
            )
        except ServiceError as exc:
            form_error(form, exc, "deadline")
        else:
            flash("Training requirements saved.", "info")
            return redirect(url_for("dashboards.settings", org=org.id))
    team_form = TeamDeadlineForm()
    team_form.team.choices = choices([("", "Choose a team")] + [(t.id, t.name) for t in org.teams])
    return render_template(
        "dashboards/settings.html",
        org=org,
        form=form,
        expiry_fields=expiry_fields,
        team_form=team_form,
        team_deadlines=queries.team_deadlines(org.id),
        organisations=accounts_queries.organisations_for(current_user),
    )


@bp.route("/admin/training/team-deadline", methods=["POST"])
@roles_required("admin")
def team_deadline():
    team_id = request.form.get("team", type=db_id)
    team = get_or_abort(Team, team_id, "manage") if team_id else None
    form = TeamDeadlineForm()
    form.team.choices = choices([(team.id, team.name)] if team else [])
    if team is None or not form.validate_on_submit():
        flash("Choose a team and a date (for example 30/06/2027), then save.", "error")
        return redirect(url_for("dashboards.settings"))
    try:
        services.set_team_deadline(current_user, team, form.team_deadline.data)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(
            f"{team.name}: "
            + (
                f"deadline {form.team_deadline.data:%d %B %Y}."
                if form.team_deadline.data
                else "uses the organisation's deadline."
            ),
            "info",
        )
    return redirect(url_for("dashboards.settings", org=team.organisation_id))


# -- home page panels -----------------------------------------------------------------------------------------------


def _team_panel(user):
    if not user.is_manager:
        return None
    teams = queries.managed_teams(user)
    return render_template("dashboards/_home_team.html", teams=teams) if teams else None


def _organisation_panel(user):
    if not (user.is_programme_lead or user.is_admin) or user.organisation_id is None:
        return None
    return render_template("dashboards/_home_organisation.html", org=user.organisation)


# A manager's home leads with their team, a lead's or an administrator's with the organisation.
ui.add_home_panel("dashboards-organisation", _organisation_panel, order=2, leads_for=("programme_lead", "admin"))
ui.add_home_panel("dashboards-team", _team_panel, order=4, leads_for=("manager",))
