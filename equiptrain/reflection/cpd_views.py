"""CPD record pages, the revalidation pack and the subject access download."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from equiptrain.auditlog.services import log_event
from equiptrain.authz import get_or_abort, roles_required
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import EmptyForm, choices, form_error
from equiptrain.reflection import bp, cpd, exports, pdf, regulators
from equiptrain.reflection.forms import CPDForm, PackForm, WindowForm
from equiptrain.reflection.models import CPDEntry, ReflectiveEntry


def _window_end(form) -> dt.date:
    # The date stands on its own: a reflection id that is not one of the choices is ignored, not a reason to
    # fall back to today.
    form.validate()
    if form.ends.data and not form.ends.errors:
        return form.ends.data
    return dt.date.today()


@bp.route("/cpd/")
@roles_required("learner")
def cpd_record():
    form = WindowForm(request.args)
    totals = cpd.totals(current_user, _window_end(form))
    if form.ends.data is None:
        form.ends.data = totals.ends
    return render_template(
        "reflection/cpd.html",
        form=form,
        totals=totals,
        kinds=cpd.KINDS,
        sources=cpd.SOURCES,
        entries=cpd.entries_in_window(current_user, totals.starts, totals.ends),
        required={
            "hours": cpd.REQUIRED_HOURS,
            "participatory": cpd.REQUIRED_PARTICIPATORY,
            "accounts": cpd.REQUIRED_ACCOUNTS,
        },
        delete_form=EmptyForm(),
    )


@bp.route("/cpd/new", methods=["GET", "POST"])
@roles_required("learner")
def cpd_new():
    form = CPDForm()
    if form.validate_on_submit():
        try:
            cpd.add_manual(
                current_user,
                date=form.date.data,
                hours=float(form.hours.data),
                kind=form.kind.data,
                title=form.title.data,
                description=form.description.data,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash("The activity is added to your CPD record.", "info")
            return redirect(url_for("reflection.cpd_record"))
    return render_template("reflection/cpd_new.html", form=form)


@bp.route("/cpd/<int:cpd_id>/delete", methods=["POST"])
@roles_required("learner")
def cpd_delete(cpd_id: int):
    entry = get_or_abort(CPDEntry, cpd_id, "delete")
    EmptyForm().validate_on_submit() or abort(400)
    try:
        cpd.delete_manual(current_user, entry)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash("The activity is removed from your CPD record.", "info")
    return redirect(url_for("reflection.cpd_record"))


def _pack_form():
    """The pack's form: the regulator (from the person's profession unless they choose another), and the
    reflections they may include (NMC reflective accounts for the NMC; any of their reflections otherwise)."""
    form = PackForm(request.args)
    chosen = form.regulator.data if form.regulator.data in regulators.REGULATORS else None
    regulator = regulators.REGULATORS[chosen] if chosen else regulators.for_user(current_user)
    form.regulator.data = regulator.key
    q = select(ReflectiveEntry).where(ReflectiveEntry.author_id == current_user.id)
    if regulator.template is not None:
        q = q.where(ReflectiveEntry.template == regulator.template)
    accounts = list(db.session.scalars(q.order_by(ReflectiveEntry.created_at.desc())))
    form.entries.choices = choices((e.id, f"{e.title} ({e.created_at:%d %B %Y})") for e in accounts)
    return form, accounts, regulator


@bp.route("/cpd/revalidation-pack")
@roles_required("learner")
def pack():
    form, accounts, regulator = _pack_form()
    ends = _window_end(form)
    if form.ends.data is None:
        form.ends.data = ends
    return render_template("reflection/pack_form.html", form=form, accounts=accounts, regulator=regulator)


@bp.route("/cpd/revalidation-pack.pdf")
@roles_required("learner")
def pack_pdf():
    form, _, regulator = _pack_form()
    ends = _window_end(form)
    data = pdf.revalidation_pack(current_user, ends, form.entries.data or [], regulator)
    log_event(
        "reflection.pack_exported",
        current_user,
        subject=current_user,
        accounts=len(form.entries.data or []),
        regulator=regulator.key,
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="revalidation-pack-{ends.isoformat()}.pdf"'},
    )


@bp.route("/reflection/my-data.json")
@roles_required("learner")
def my_data():
    data = exports.subject_access(current_user)
    log_event("subject_access.downloaded", current_user, subject=current_user)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="equiptrain-my-data-{dt.date.today().isoformat()}.json"'
        },
    )
