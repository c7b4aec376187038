"""Students on placement: the organisation's administrators add them and see who is on placement where."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from equiptrain.accounts.models import Team
from equiptrain.accounts.queries import admin_organisation
from equiptrain.authz import roles_required
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import choices, form_error
from equiptrain.students import services
from equiptrain.students.forms import StudentForm

bp = Blueprint("students", __name__)


@bp.route("/students", methods=["GET", "POST"])
@roles_required("admin")
def index():
    org = admin_organisation(current_user)
    teams = db.session.scalars(select(Team).where(Team.organisation_id == org.id).order_by(Team.name)).all()
    form = StudentForm()
    form.team.choices = choices((t.id, t.name) for t in teams)
    if form.validate_on_submit():
        team = next((t for t in teams if t.id == form.team.data), None)
        if team is None:
            form.team.errors.append("Choose a placement team of this organisation")
        else:
            try:
                student = services.add_student(
                    current_user,
                    org,
                    name=form.name.data,
                    email=form.email.data,
                    university=form.university.data,
                    team=team,
                    ends_on=form.ends_on.data,
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                flash(f"{student.name} has been added and sent an invitation to set a password.", "info")
                return redirect(url_for("students.index", org=org.id))
    return render_template("students/index.html", org=org, form=form, students=services.students(org))
