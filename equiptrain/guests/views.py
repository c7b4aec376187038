"""The guests page of a workshop: who is invited from outside the team, and the form to invite someone."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from equiptrain.accounts.models import Profession
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.errors import ServiceError
from equiptrain.forms import form_error
from equiptrain.guests import queries, services
from equiptrain.guests.forms import GuestForm
from equiptrain.workshops import queries as workshop_queries
from equiptrain.workshops.models import Workshop

bp = Blueprint("guests", __name__)


@bp.route("/workshops/<int:workshop_id>/guests", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def manage(workshop_id: int):
    workshop = get_or_abort(Workshop, workshop_id, "facilitate")
    form = GuestForm()
    if form.validate_on_submit():
        try:
            guest = services.invite_guest(
                current_user,
                workshop,
                name=form.name.data,
                email=form.email.data,
                role_description=form.role_description.data,
                profession=Profession(form.profession.data),
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(f"{guest.name} has been sent an invitation to this workshop.", "info")
            return redirect(url_for("guests.manage", workshop_id=workshop.id))
    return render_template("guests/manage.html", workshop=workshop, form=form, guests=queries.workshop_guests(workshop))


@bp.route("/workshops/<int:workshop_id>/attendance-certificate.pdf")
@roles_required("guest")
def attendance_certificate(workshop_id: int):
    """A guest's certificate of attendance with CPD hours, once the workshop's register is signed off."""
    workshop = get_or_abort(Workshop, workshop_id, "view")
    result = workshop_queries.guest_attendance_result(current_user, workshop)
    if result is None:
        abort(404)
    return Response(
        services.attendance_certificate_pdf(current_user, workshop, result),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="equip-attendance-{workshop.id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
