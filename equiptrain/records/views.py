"""Administrators' pages for the trust's records: settings, team mapping, staff sync (preview, then confirm),
the competence mapping and exports, "not in ESR", and the xAPI queue."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.validators import ValidationError

from equiptrain import ui
from equiptrain.accounts import importer, invitations
from equiptrain.accounts import queries as account_queries
from equiptrain.accounts.models import Organisation, User
from equiptrain.accounts.services import normalise_email
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import form_error
from equiptrain.records import esr, queries, services, staffsync, xapi
from equiptrain.records.forms import (
    CompetenceForm,
    ConfirmSyncForm,
    EmptyForm,
    ExportForm,
    MappingForm,
    NotInEsrForm,
    SettingsForm,
    StaffFileForm,
    clean_header,
)
from equiptrain.records.models import EsrExport, NotInEsr, StaffSyncRun

bp = Blueprint("records", __name__, url_prefix="/admin/records")

# Trust records on the administration hub (links only administrators see go there, not in the header).
ui.add_nav("Trust records", "records.index", ("admin",), order=85, description="ESR, the competence export and xAPI.")
ui.add_nav("ESR settings", "records.settings", ("admin",), order=86, description="The staff file's layout and dates.")
ui.add_nav(
    "Units and teams", "records.mapping", ("admin",), order=86, description="Which ESR units belong to which team."
)
ui.add_nav("Staff sync from ESR", "records.sync_upload", ("admin",), order=86, description="Starters, movers, leavers.")
ui.add_nav("Competence names", "records.competences", ("admin",), order=86, description="Achievements as competences.")
ui.add_nav("ESR competence export", "records.exports", ("admin",), order=86, description="Exports for ESR, by date.")
ui.add_nav("Not in ESR", "records.not_in_esr", ("admin",), order=86, description="People a sync never deactivates.")
ui.add_nav("xAPI queue", "records.xapi_queue", ("admin",), order=86, description="Statements for the record store.")


def _org():
    return account_queries.admin_organisation(current_user)


def _page(template: str, org, **context):
    return render_template(
        f"records/{template}", org=org, organisations=account_queries.organisations_for(current_user), **context
    )


@bp.route("/")
@roles_required("admin")
def index():
    org = _org()
    return _page("index.html", org, overview=queries.overview(org), xapi_on=xapi.lrs_for(org) is not None)


@bp.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    org = _org()
    current = staffsync.settings_for(org)
    form = SettingsForm(
        data=None
        if request.method == "POST"
        else {
            "date_format": current.date_format,
            "deactivation_percent": round(current.deactivation_share * 100),
            "home_page": current.home_page,
            "actor_employee_number": current.actor_employee_number,
            **{f"column_{k}": v for k, v in staffsync.columns_for(current).items()},
        }
    )
    if form.validate_on_submit():
        columns, bad = {}, False
        for key, default in staffsync.DEFAULT_COLUMNS.items():
            field = getattr(form, f"column_{key}")
            try:
                value = clean_header(field.data)
            except ValidationError as exc:
                field.errors.append(str(exc))
                bad = True
                continue
            if value and value != default:
                columns[key] = value
        if not bad:
            services.update_settings(
                current_user,
                org,
                columns=columns,
                date_format=form.date_format.data.strip(),
                deactivation_share=form.deactivation_percent.data / 100,
                home_page=(form.home_page.data or "").strip() or None,
                actor_employee_number=form.actor_employee_number.data,
            )
            flash("Trust records settings saved.", "info")
            return redirect(url_for("records.index", org=org.id))
    column_fields = [getattr(form, f"column_{k}") for k in staffsync.DEFAULT_COLUMNS]
    return _page("settings.html", org, form=form, column_fields=column_fields)


@bp.route("/team-mapping", methods=["GET", "POST"])
@roles_required("admin")
def mapping():
    org = _org()
    form = MappingForm()
    problems: list[str] = []
    if form.validate_on_submit():
        text, name = form.mapping.data or "", "mapping"
        if form.file.data:
            try:
                text = importer.read_limited(form.file.data.stream)
            except importer.ImportInvalid as exc:
                text = None
                form.file.errors.append(f"The file {exc.problems[0].message}")
            name = form.file.data.filename or "mapping.csv"
        if text is not None:
            try:
                count = services.set_team_mapping(current_user, org, text, name)
            except services.MappingInvalid as exc:
                problems = exc.problems
                form.mapping.errors.append("Nothing was saved: correct the problems listed below")
            else:
                flash(f"{count} organisation unit(s) mapped to teams.", "info")
                return redirect(url_for("records.index", org=org.id))
    elif request.method == "GET":
        form.mapping.data = services.mapping_text(org)
    return _page("mapping.html", org, form=form, problems=problems, teams=org.teams)


@bp.route("/staff-sync", methods=["GET", "POST"])
@roles_required("admin")
def sync_upload():
    org = _org()
    form = StaffFileForm()
    if form.validate_on_submit():
        try:
            text = importer.read_limited(form.file.data.stream, request.content_length)
        except importer.ImportInvalid as exc:
            form.file.errors.append(f"The file {exc.problems[0].message}")
        else:
            run = services.start_sync(current_user, org, form.file.data.filename, text, form.full.data)
            return redirect(url_for("records.sync_preview", run_id=run.id))
    return _page(
        "sync_upload.html",
        org,
        form=form,
        columns=staffsync.columns_for(staffsync.settings_for(org)),
        labels=staffsync.FIELD_LABELS,
        runs=queries.recent_runs(org),
        moves=queries.recent_moves(org),
        max_rows=current_app.config["IMPORT_MAX_ROWS"],
    )


@bp.route("/staff-sync/<int:run_id>", methods=["GET", "POST"])
@roles_required("admin")
def sync_preview(run_id: int):
    run = get_or_abort(StaffSyncRun, run_id, "manage")
    org = db.session.get(Organisation, run.organisation_id)
    if org is None:
        abort(404)
    form = ConfirmSyncForm()
    plan = problems = None
    total = 0
    if run.applied_at is None and run.text is not None:
        try:
            plan = staffsync.plan(run.text, org, full=run.full, filename=run.filename)
        except staffsync.SyncInvalid as exc:
            problems, total = exc.problems, exc.total
    if plan is not None and form.validate_on_submit():
        try:
            result = staffsync.apply(current_user, plan, force=form.force.data)
        except staffsync.SyncRefused as exc:
            form.force.errors.append(str(exc))
        else:
            services.finish_sync(run, plan.counts)
            flash("Staff synced: " + ", ".join(f"{n} {k}" for k, n in plan.counts.items()) + ".", "info")
            if result.invitations is not None:
                invitations.start(result.invitations.id)
            return redirect(url_for("records.sync_preview", run_id=run.id))
    return _page("sync_preview.html", org, run=run, plan=plan, problems=problems, total=total, form=form)


@bp.route("/competences", methods=["GET", "POST"])
@roles_required("admin")
def competences():
    org = _org()
    current = staffsync.settings_for(org)
    keys = esr.achievement_keys()
    form = CompetenceForm()
    if form.validate_on_submit():
        try:
            found = services.parse_competences(form.competences.data or "", {k.key for k in keys})
        except ServiceError as exc:
            form_error(form, exc, "competences")
        else:
            services.update_settings(current_user, org, competences=found)
            flash(f"{len(found)} achievement(s) mapped to competences.", "info")
            return redirect(url_for("records.exports", org=org.id))
    elif request.method == "GET":
        form.competences.data = "".join(
            f"{k.key} = {current.competences.get(k.key, '')}\n" for k in keys if current.competences.get(k.key)
        )
    return _page("competences.html", org, form=form, keys=keys, example=esr.EXAMPLE_TEMPLATE)


@bp.route("/esr", methods=["GET", "POST"])
@roles_required("admin")
def exports():
    org = _org()
    form = ExportForm()
    settings = staffsync.settings_for(org)
    mapped = any((settings.competences or {}).values())
    if form.validate_on_submit():
        if not mapped:
            form.since.errors.append("Map achievements to competences first")
        else:
            export = esr.make_export(current_user, org, since=form.since.data, until=form.until.data)
            flash(f"Export made: {export.achieved} achieved, {export.revoked} revoked.", "info")
            return redirect(url_for("records.exports", org=org.id))
    _lines, missing = esr.current_lines(org)
    return _page("exports.html", org, form=form, exports=queries.recent_exports(org), mapped=mapped, missing=missing)


@bp.route("/esr/<int:export_id>.<any(csv, xlsx):fmt>")
@roles_required("admin")
def export_download(export_id: int, fmt: str):
    export = get_or_abort(EsrExport, export_id, "view")
    stamp = export.created_at.strftime("%Y-%m-%d")
    if fmt == "xlsx":
        return Response(
            esr.xlsx_bytes(export),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="esr-competences-{stamp}-{export.id}.xlsx"'},
        )
    revoked = request.args.get("part") == "revoked"
    org = db.session.get(Organisation, export.organisation_id)
    fmt_date = staffsync.settings_for(org).date_format if org else staffsync.DEFAULT_DATE_FORMAT
    name = f"esr-competences-{stamp}-{export.id}" + ("-revocations" if revoked else "") + ".csv"
    return Response(
        "\ufeff" + esr.csv_text(export, revoked=revoked, date_format=fmt_date),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/not-in-esr", methods=["GET", "POST"])
@roles_required("admin")
def not_in_esr():
    org = _org()
    form = NotInEsrForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(User.email == normalise_email(form.email.data), User.organisation_id == org.id)
        )
        if user is None:
            form.email.errors.append(f"Nobody in {org.name} has that email address")
        else:
            services.set_not_in_esr(current_user, user, True)
            flash(f"{user.name} is marked as not in ESR: a staff sync will never deactivate them.", "info")
            return redirect(url_for("records.not_in_esr", org=org.id))
    people = db.session.scalars(
        select(User)
        .join(NotInEsr, NotInEsr.user_id == User.id)
        .where(User.organisation_id == org.id)
        .order_by(func.lower(User.name))
    ).all()
    return _page("not_in_esr.html", org, form=form, people=people, clear=EmptyForm())


@bp.route("/not-in-esr/<int:user_id>/clear", methods=["POST"])
@roles_required("admin")
def clear_not_in_esr(user_id: int):
    user = get_or_abort(User, user_id, "manage")
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_not_in_esr(current_user, user, False)
    flash(f"{user.name} is no longer marked as not in ESR.", "info")
    return redirect(url_for("records.not_in_esr", org=user.organisation_id))


@bp.route("/xapi")
@roles_required("admin")
def xapi_queue():
    org = _org()
    return _page(
        "xapi.html",
        org,
        summary=xapi.queue_summary(org.id),
        configured=xapi.lrs_for(org) is not None,
        retry=EmptyForm(),
    )


@bp.route("/xapi/retry", methods=["POST"])
@roles_required("admin")
def xapi_retry():
    org = _org()
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = xapi.retry_failed(org.id)
    flash(f"{count} failed statement(s) put back in the queue.", "info")
    return redirect(url_for("records.xapi_queue", org=org.id))
