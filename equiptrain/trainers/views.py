"""The selection record page (organisation administrators) and a trainer's declared connections with teams."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from equiptrain.accounts.models import Team, User
from equiptrain.authz import roles_required
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import choices
from equiptrain.trainers import services
from equiptrain.trainers.forms import ConnectionForm, EmptyForm, SelectionForm
from equiptrain.trainers.models import DeclaredConnection

bp = Blueprint("trainers", __name__)


def _form_error(form, exc: ServiceError) -> None:
    field = getattr(form, exc.field, None) if exc.field else None
    (field.errors if field is not None else form.form_errors).append(exc.message)


@bp.route("/trainers/<int:user_id>/selection", methods=["GET", "POST"])
@roles_required("admin")
def selection(user_id: int):
    if not current_user.is_org_admin:
        abort(403, "Selection records are seen only by the trainer's own organisation's administrators.")
    trainer = db.session.get(User, user_id)
    if trainer is None or not services.may_see_selection(current_user, trainer):
        abort(404)
    if not (trainer.trainer_profile and trainer.trainer_profile.kind.lived_experience):
        abort(404)
    row = services.selection_record(trainer)
    form = SelectionForm(obj=row)
    if form.validate_on_submit():
        try:
            services.save_selection(current_user, trainer, **{k: getattr(form, k).data for k in services.FIELDS})
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            flash("Selection record saved.", "info")
            return redirect(url_for("trainers.selection", user_id=trainer.id))
    return render_template(
        "trainers/selection.html",
        trainer=trainer,
        record=row,
        form=form,
        connections=services.connections(trainer),
        years=services.retention_years(),
    )


@bp.route("/my/connections", methods=["GET", "POST"])
@roles_required("trainer")
def my_connections():
    form = ConnectionForm()
    teams = db.session.scalars(
        select(Team).where(Team.organisation_id == current_user.organisation_id).order_by(Team.name)
    ).all()
    form.team.choices = choices((t.id, t.name) for t in teams)
    if form.validate_on_submit():
        team = next((t for t in teams if t.id == form.team.data), None)
        if team is None:
            form.team.errors.append("Choose a team of your organisation")
        else:
            try:
                services.declare(current_user, team)
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                flash(f"Declared. You will not be scheduled to deliver to {team.name} while this stands.", "info")
                return redirect(url_for("trainers.my_connections"))
    return render_template(
        "trainers/connections.html", form=form, connections=services.connections(current_user), end_form=EmptyForm()
    )


@bp.route("/my/connections/<int:connection_id>/end", methods=["POST"])
@roles_required("trainer")
def end_connection(connection_id: int):
    connection = db.session.get(DeclaredConnection, connection_id)
    if connection is None or connection.trainer_id != current_user.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.withdraw(current_user, connection)
    flash("The connection is no longer declared.", "info")
    return redirect(url_for("trainers.my_connections"))


@bp.cli.command("purge")
def purge_command():
    """Delete lived-experience trainers' selection records kept past their date."""
    n = services.purge_expired()
    db.session.commit()
    print(f"{n} selection record(s) past their keeping date deleted.")
