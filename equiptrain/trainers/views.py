"""A trainer's records in one place: the trainers list and a trainer's page (prepared modules, train-the-trainers;
other features add panels to it, as workshops adds the sessions delivered), the selection record page
(organisation administrators) and a trainer's declared connections with teams."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from equiptrain import ui
from equiptrain.accounts.models import Team, User
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.content.models import Module
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import choices, form_error
from equiptrain.trainers import queries, services
from equiptrain.trainers.forms import ConnectionForm, EmptyForm, PreparedModulesForm, SelectionForm, TrainingForm
from equiptrain.trainers.models import DeclaredConnection, TrainerProfile

bp = Blueprint("trainers", __name__)

ui.add_nav(
    "Trainers",
    "trainers.index",
    ("admin",),
    order=82,
    description="Trainers, the modules they deliver, their train-the-trainers records and support.",
)

# What other features show on a trainer's page (workshops: the sessions delivered, their support and payment), so
# this package imports none of them: each panel is `render(trainer, profile) -> Markup | None`.
_TRAINER_PANELS: list[Callable[[User, TrainerProfile], Markup | None]] = []


def add_trainer_panel(render: Callable[[User, TrainerProfile], Markup | None]) -> None:
    if render not in _TRAINER_PANELS:
        _TRAINER_PANELS.append(render)


@bp.route("/admin/trainers/")
@roles_required("admin")
def index():
    org_id = None if current_user.is_platform_admin else current_user.organisation_id
    return render_template("trainers/index.html", trainers=queries.trainers(org_id))


@bp.route("/admin/trainers/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def trainer(user_id: int):
    user = get_or_abort(User, user_id, "manage")
    profile = user.trainer_profile  # the active one: a former trainer's records show again with the role
    if profile is None:
        abort(404, "This person is not a trainer. Give them a trainer role on their page first.")
    form = PreparedModulesForm()
    modules = db.session.scalars(select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)).all()
    form.modules.choices = choices((m.id, f"{m.position}. {m.title}") for m in modules)
    training = queries.training(profile.id) if profile.kind.lived_experience else None
    training_form = TrainingForm(prefix="training")
    if profile.kind.lived_experience and request.form.get("action") == "training":
        if training_form.validate_on_submit():
            try:
                services.save_training(
                    current_user,
                    profile,
                    completed_on=training_form.completed_on.data,
                    sessions_shadowed=training_form.sessions_shadowed.data,
                    preparation=training_form.preparation.data or "",
                )
            except ServiceError as exc:
                form_error(training_form, exc, "completed_on")
            else:
                flash("Train-the-trainers record saved.", "info")
                return redirect(url_for("trainers.trainer", user_id=user.id))
    elif request.method == "GET" and training is not None:
        training_form.completed_on.data, training_form.sessions_shadowed.data = (
            training.completed_on,
            training.sessions_shadowed,
        )
        training_form.preparation.data = training.preparation
    elif request.method == "GET":
        training_form.sessions_shadowed.data = 0
    if request.form.get("action") != "training" and form.validate_on_submit():
        chosen = [m for m in modules if str(m.id) in (form.modules.data or [])]
        services.set_prepared_modules(current_user, profile, chosen)
        flash("Prepared modules saved.", "info")
        return redirect(url_for("trainers.trainer", user_id=user.id))
    if request.method == "GET":
        form.modules.data = [str(i) for i in queries.prepared_module_ids(profile.id)]
    panels = [panel for render in _TRAINER_PANELS if (panel := render(user, profile)) is not None]
    return render_template(
        "trainers/trainer.html",
        trainer=user,
        profile=profile,
        form=form,
        training=training,
        training_form=training_form,
        panels=panels,
    )


@bp.route("/trainers/<int:user_id>/selection", methods=["GET", "POST"])
@roles_required("admin")
def selection(user_id: int):
    trainer = get_or_abort(User, user_id, "keep_selection_record")
    if not (trainer.trainer_profile and trainer.trainer_profile.kind.lived_experience):
        abort(404)
    row = services.selection_record(trainer)
    form = SelectionForm(obj=row)
    if form.validate_on_submit():
        try:
            services.save_selection(current_user, trainer, **{k: getattr(form, k).data for k in services.FIELDS})
        except ServiceError as exc:
            form_error(form, exc)
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
                form_error(form, exc)
            else:
                flash(f"Declared. You will not be scheduled to deliver to {team.name} while this stands.", "info")
                return redirect(url_for("trainers.my_connections"))
    return render_template(
        "trainers/connections.html", form=form, connections=services.connections(current_user), end_form=EmptyForm()
    )


@bp.route("/my/connections/<int:connection_id>/end", methods=["POST"])
@roles_required("trainer")
def end_connection(connection_id: int):
    connection = get_or_abort(DeclaredConnection, connection_id, "end")
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
