"""The platform administrators' page about the job queue: what waits, what failed (with a retry), whether a
consumer is running, and the schedule."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from equiptrain import ui
from equiptrain.authz import roles_required
from equiptrain.extensions import db
from equiptrain.forms import EmptyForm
from equiptrain.jobs import schedule, services
from equiptrain.jobs.models import OutboxItem

bp = Blueprint("jobs", __name__)
ui.add_nav("Jobs", "jobs.status", ("platform_admin",), order=90)


@bp.route("/admin/jobs")
@roles_required("platform_admin")
def status():
    return render_template("jobs/status.html", status=services.status(), form=EmptyForm())


@bp.route("/admin/jobs/<int:item_id>/retry", methods=["POST"])
@roles_required("platform_admin")
def retry(item_id: int):
    EmptyForm().validate_on_submit() or abort(400)
    if db.session.get(OutboxItem, item_id) is None:
        abort(404)
    try:
        flash(services.retry(str(item_id)), "info")
    except ValueError as error:
        flash(str(error), "info")
    return redirect(url_for("jobs.status"))


@bp.route("/admin/jobs/schedule/<name>/retry", methods=["POST"])
@roles_required("platform_admin")
def retry_schedule(name: str):
    EmptyForm().validate_on_submit() or abort(400)
    if name not in {p.name for p in schedule.registered()}:
        abort(404)
    flash(services.retry(name), "info")
    return redirect(url_for("jobs.status"))
