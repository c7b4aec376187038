"""The workshops blueprint and its pages: the list, scheduling and publishing, replies, calendar files and feeds,
anonymous feedback, lived-experience trainer support, reports, and trainers' prepared modules (under
/admin/trainers). The day itself (register, check-in, console, role play) is in `console_views`."""

from __future__ import annotations

import io
from email.utils import parseaddr

import click
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from openpyxl import Workbook
from sqlalchemy import select

from equiptrain import csvsafe, transaction, ui
from equiptrain.accounts.models import Organisation, Team, User
from equiptrain.accounts.queries import admin_organisation
from equiptrain.auditlog.services import log_event
from equiptrain.authz import can, get_or_abort, roles_required
from equiptrain.content.core import LEAD_LABELS
from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.forms import choices, form_error
from equiptrain.mail import external_url
from equiptrain.trainers import queries as trainer_queries
from equiptrain.trainers import services as trainer_services
from equiptrain.trainers import views as trainer_views
from equiptrain.workshops import attendance, queries, roleplay, services
from equiptrain.workshops.forms import (
    BriefingForm,
    CancelForm,
    DebriefForm,
    EmptyForm,
    FeedbackForm,
    PaymentForm,
    PublishForm,
    ReplyForm,
    TrainingAddressForm,
    WorkshopForm,
)
from equiptrain.workshops.models import (
    MAX_SESSIONS,
    PaymentStatus,
    Reply,
    TrainerSupport,
    Workshop,
    WorkshopKind,
    WorkshopStatus,
)
from equiptrain.workshops.uktime import from_uk, to_uk, uk_time

bp = Blueprint("workshops", __name__)
bp.add_app_template_filter(uk_time, "uk_time")

ui.add_nav("Workshops", "workshops.index", ("learner",), order=30, leads_for=("trainer",))
ui.add_nav(
    "Training address",
    "workshops.training_address",
    ("admin",),
    order=83,
    description="The address workshop invitations come from, where replies from calendars go.",
)


def _home_panel(user) -> str | None:
    data = queries.upcoming(user)
    if not (data["invitations"] or data["facilitating"]):
        return None
    return render_template("workshops/_home_panel.html", **data)


# A trainer's home page leads with their sessions.
ui.add_home_panel("workshops", _home_panel, order=20, leads_for=("trainer",))


@bp.app_template_global("core_attended_on")
def core_attended_on(user) -> object:
    """When the person attended the core (the end of that workshop), or None: for the module page's "attend the
    core" line (one query, only on modules that require the core)."""
    return queries.core_attendance([user.id]).get(user.id)


def _workshop(workshop_id: int, action: str = "view") -> Workshop:
    return get_or_abort(Workshop, workshop_id, action)


def _org_for_new() -> Organisation:
    """The organisation the page is about: the admin's own; for a platform admin, the one chosen with ?org= (or
    the first), as on every admin page."""
    return admin_organisation(current_user)


@bp.route("/workshops/")
@roles_required("learner")
def index():
    return render_template("workshops/index.html", data=queries.my_workshops(current_user))


def _fill_workshop_form(form: WorkshopForm, org: Organisation, workshop: Workshop | None) -> None:
    modules = db.session.scalars(select(Module).where(Module.retired_at.is_(None)).order_by(Module.position)).all()
    form.modules.choices = choices((m.id, f"{m.position}. {m.title}") for m in modules)
    form.teams.choices = choices((t.id, t.name) for t in org.teams)
    form.facilitators.choices = choices(
        (u.id, f"{u.name} ({u.trainer_profile.kind.label})")
        for u in trainer_queries.trainers(org.id)
        if u.trainer_profile
    )
    cores = db.session.scalars(
        select(Workshop)
        .where(Workshop.organisation_id == org.id, Workshop.kind == WorkshopKind.CORE)
        .order_by(Workshop.starts_at.desc())
    ).all()
    form.follow_up_of.choices = choices(
        [("", "Not a follow-up")] + [(w.id, f"{w.title} ({w.starts_at:%d %b %Y})") for w in cores if w is not workshop]
    )
    if request.method == "GET" and workshop is not None:
        form.title.data, form.kind.data, form.capacity.data = workshop.title, workshop.kind.value, workshop.capacity
        for session in workshop.sessions:
            prefix = "" if session.number == 1 else f"session{session.number}_"
            form[prefix + "starts_at"].data = to_uk(session.starts_at).replace(tzinfo=None)
            form[prefix + "ends_at"].data = to_uk(session.ends_at).replace(tzinfo=None)
        form.room.data, form.online_url.data = workshop.room, workshop.online_url
        form.follow_up_of.data = str(workshop.follow_up_of_id or "")
        form.modules.data = [str(m.id) for m in workshop.modules]
        form.teams.data = [str(t.id) for t in workshop.teams]
        form.facilitators.data = [str(f.user_id) for f in workshop.facilitators]


def _save(form: WorkshopForm, org: Organisation, workshop: Workshop | None):
    """Validate and save; returns the workshop, or None with the form showing what to fix."""
    if not form.validate_on_submit():
        return None, []
    times = form.session_times()
    if not times:
        return None, []
    ids = lambda values: [int(v) for v in values or []]  # noqa: E731
    modules = db.session.scalars(select(Module).where(Module.id.in_(ids(form.modules.data)))).all()
    teams = db.session.scalars(select(Team).where(Team.id.in_(ids(form.teams.data)))).all()
    facilitators = db.session.scalars(select(User).where(User.id.in_(ids(form.facilitators.data)))).all()
    warnings = trainer_services.unprepared(list(facilitators), list(modules))
    if warnings and not form.confirm_unprepared.data:
        return None, warnings
    follow = db.session.get(Workshop, int(form.follow_up_of.data)) if form.follow_up_of.data else None
    if follow is not None and follow.organisation_id != org.id:
        follow = None
    try:
        saved = services.save_workshop(
            current_user,
            workshop,
            organisation=org,
            title=form.title.data,
            kind=WorkshopKind(form.kind.data),
            sessions=[(from_uk(a), from_uk(b)) for a, b in times],
            room=form.room.data,
            online_url=form.online_url.data,
            capacity=form.capacity.data,
            modules=list(modules),
            teams=list(teams),
            facilitators=list(facilitators),
            follow_up_of=follow,
        )
    except ServiceError as exc:
        form_error(form, exc)
        return None, []
    return saved, []


@bp.route("/workshops/new", methods=["GET", "POST"])
@roles_required("admin")
def new():
    org = _org_for_new()
    form = WorkshopForm()
    _fill_workshop_form(form, org, None)
    workshop, warnings = _save(form, org, None)
    if workshop:
        flash("Workshop saved as a draft. Check the details, then publish it to send the invitations.", "info")
        return _after_save(workshop)
    return render_template(
        "workshops/edit.html",
        form=form,
        org=org,
        workshop=None,
        warnings=warnings,
        max_sessions=MAX_SESSIONS,
        no_lived_experience=_no_lived_experience(form),
    )


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit(workshop_id: int):
    workshop = _workshop(workshop_id, "manage")
    form = WorkshopForm()
    _fill_workshop_form(form, workshop.organisation, workshop)
    saved, warnings = _save(form, workshop.organisation, workshop)
    if saved:
        flash(
            "Workshop saved." + (" Everyone invited has been told of the change." if saved.is_published else ""), "info"
        )
        return _after_save(saved)
    return render_template(
        "workshops/edit.html",
        form=form,
        org=workshop.organisation,
        workshop=workshop,
        warnings=warnings,
        max_sessions=MAX_SESSIONS,
        no_lived_experience=_no_lived_experience(form),
    )


def _no_lived_experience(form: WorkshopForm) -> bool:
    """Whether the facilitators chosen on the form include no lived-experience trainer (for the warning shown
    beside the field as soon as the workshop is saved, not only when publishing)."""
    if request.method == "GET" and not form.facilitators.data:
        return False  # a new, empty form
    offered = {str(choice.value) for choice in form.facilitators.choices or []}
    chosen = {int(v) for v in form.facilitators.data or [] if str(v) in offered}  # never a forged id
    people = db.session.scalars(select(User).where(User.id.in_(chosen))).all() if chosen else []
    return not any(u.trainer_profile and u.trainer_profile.kind.lived_experience for u in people)


def _after_save(workshop: Workshop):
    """To the workshop's page; back to the form, with the warning beside the facilitators, when no lived-experience
    trainer is among them."""
    if services.lived_experience_facilitators(workshop):
        return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    return redirect(url_for("workshops.edit", workshop_id=workshop.id, saved=1) + "#facilitators-warning")


@bp.route("/workshops/<int:workshop_id>")
@roles_required("learner")
def detail(workshop_id: int):
    workshop = _workshop(workshop_id)
    services.expire_offers(workshop)  # no cron: lapsed waiting-list offers move on when the workshop is read
    invitation = next((i for i in workshop.invitations if i.user_id == current_user.id), None)
    assignment = roleplay.latest_assignment(current_user, workshop) if invitation else None
    return render_template(
        "workshops/detail.html",
        workshop=workshop,
        core_days=queries.core_days() if workshop.kind is WorkshopKind.CORE else [],
        guest_result=queries.guest_attendance_result(current_user, workshop) if current_user.is_guest else None,
        lead_labels=LEAD_LABELS,
        invitation=invitation,
        reply_form=ReplyForm(),
        publish_form=PublishForm(),
        cancel_form=CancelForm(),
        missing=services.publish_gaps(workshop) if workshop.status is WorkshopStatus.DRAFT else [],
        counts=queries.invitation_counts(workshop),
        manage=can(current_user, "manage", workshop),
        facilitate=can(current_user, "facilitate", workshop),
        assignment=assignment,
        feedback_state=attendance.feedback_state(current_user, workshop),
        feedback_token=attendance.feedback_token(workshop, current_user),
        lived_experience=[
            f.user
            for f in workshop.facilitators
            if f.user.trainer_profile and f.user.trainer_profile.kind.lived_experience
        ],
    )


@bp.route("/workshops/<int:workshop_id>/publish", methods=["POST"])
@roles_required("admin")
def publish(workshop_id: int):
    workshop = _workshop(workshop_id, "manage")
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.publish(current_user, workshop, form.override_reason.data)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    flash("Published. Everyone in the invited teams has been sent an invitation.", "info")
    return redirect(url_for("workshops.detail", workshop_id=workshop.id))


@bp.route("/workshops/<int:workshop_id>/cancel", methods=["POST"])
@roles_required("admin")
def cancel(workshop_id: int):
    workshop = _workshop(workshop_id, "manage")
    form = CancelForm()
    if not form.validate_on_submit():
        flash(form.reason.errors[0] if form.reason.errors else "Give the reason for cancelling.", "error")
        return redirect(url_for("workshops.detail", workshop_id=workshop.id) + "#cancel")
    try:
        services.cancel(current_user, workshop, form.reason.data)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(
            "Workshop cancelled. Everyone invited and the facilitators have been told, with a calendar cancellation.",
            "info",
        )
    return redirect(url_for("workshops.detail", workshop_id=workshop.id))


@bp.cli.command("expire-offers")
def expire_offers_command():
    """Lapse waiting-list offers not confirmed in time and offer the places to the next people."""
    transaction.writes_now()  # it writes while the site serves: SQLite's write lock when it begins
    n = services.expire_offers()
    db.session.commit()
    click.echo(f"{n} waiting-list offer{'s' if n != 1 else ''} lapsed; the places were offered to the next people.")


@bp.cli.command("training-address")
@click.option("--organisation", "organisation_name", required=True, help="The organisation's name, as on the site.")
@click.argument("email", required=False)
def training_address_command(organisation_name: str, email: str | None):
    """Set (or with no EMAIL, clear) the organisation's training address: the ORGANIZER of its workshops'
    calendar invitations, where people's replies from their calendars go. (Administrators can also set it on the
    page /admin/training-address.)"""
    transaction.writes_now()
    org = db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    if org is None:
        raise click.ClickException(f"No organisation is called {organisation_name!r}: check the name on the site.")
    try:
        services.set_training_address(None, org, email)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(
        f"{org.name}: calendar invitations now come from {org.training_email}."
        if org.training_email
        else f"{org.name}: calendar invitations come from the site's address (MAIL_FROM)."
    )


@bp.route("/admin/training-address", methods=["GET", "POST"])
@roles_required("admin")
def training_address():
    """The organisation's training address: set it (validated) or clear it, audited."""
    org = admin_organisation(current_user)
    form = TrainingAddressForm()
    if request.method == "POST" and request.form.get("action") == "clear":
        if EmptyForm().validate_on_submit():  # the address field is not needed to clear it
            services.set_training_address(current_user, org, None)
            db.session.commit()
            flash("The training address has been cleared: invitations now come from the site's address.", "info")
            return redirect(url_for("workshops.training_address", org=org.id))
    elif form.validate_on_submit():
        try:
            services.set_training_address(current_user, org, form.email.data)
        except ServiceError as exc:
            form_error(form, exc, "email")
        else:
            db.session.commit()
            flash(f"Calendar invitations now come from {org.training_email}.", "info")
            return redirect(url_for("workshops.training_address", org=org.id))
    if not form.is_submitted():
        form.email.data = org.training_email
    sender = parseaddr(current_app.config["MAIL_FROM"])[1]
    return render_template("workshops/training_address.html", form=form, org=org, sender=sender)


@bp.route("/workshops/<int:workshop_id>/reply", methods=["POST"])
@roles_required("learner")
def reply(workshop_id: int):
    workshop = _workshop(workshop_id, "take_part")
    form = ReplyForm()
    if not form.validate_on_submit():
        flash("Choose whether you will attend, then send your reply.", "error")
        return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    try:
        invitation = services.reply(current_user, workshop, form.attending.data == "yes")
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(
            {
                Reply.ATTENDING: "Thank you: you are attending.",
                Reply.WAITING: "The workshop is full: you are on the waiting list. If a place comes free it is "
                "offered to you by email, and you confirm it here.",
                Reply.NOT_ATTENDING: "Thank you: you are not attending.",
            }[invitation.reply],
            "info",
        )
    return redirect(url_for("workshops.detail", workshop_id=workshop.id))


@bp.route("/workshops/<int:workshop_id>/calendar.ics")
@roles_required("learner")
def ics(workshop_id: int):
    workshop = _workshop(workshop_id)
    return Response(
        services.calendar_bytes([workshop]),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="workshop-{workshop.id}.ics"'},
    )


@bp.route("/workshops/feed/<token>.ics")
def feed(token: str):
    user = services.feed_user(token)
    if user is None:
        abort(
            404,
            "This calendar feed address is not valid (it may have been replaced). Get a new one from "
            "your Workshops page.",
        )
    data = queries.my_workshops(user)
    workshops = {
        i.workshop.id: i.workshop
        for i in data["upcoming"] + data["past"]
        if i.reply in (Reply.ATTENDING, Reply.WAITING, Reply.NONE)
    }
    workshops.update({w.id: w for w in data["facilitating"]})
    return Response(services.calendar_bytes(list(workshops.values()), "My EQUIP workshops"), mimetype="text/calendar")


@bp.route("/workshops/calendar-feed", methods=["GET", "POST"])
@roles_required("learner")
def calendar_feed():
    form = EmptyForm()
    token = None
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            services.revoke_feed(current_user)
            flash("Your calendar feed address has been switched off.", "info")
            return redirect(url_for("workshops.calendar_feed"))
        token = services.new_feed(current_user)
    return render_template(
        "workshops/calendar_feed.html",
        form=form,
        feed_url=external_url("workshops.feed", token=token) if token else None,
    )


@bp.route("/workshops/<int:workshop_id>/feedback/<token>", methods=["GET", "POST"])
@roles_required("learner")
def feedback(workshop_id: int, token: str):
    workshop = _workshop(workshop_id)
    state = attendance.feedback_state(current_user, workshop)
    if state == "given":
        return render_template("workshops/feedback_done.html", workshop=workshop, already=True)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            attendance.submit_feedback(
                current_user,
                workshop,
                token,
                useful=int(form.useful.data),
                lived_experience_valuable=int(form.lived_experience_valuable.data),
                do_differently=form.do_differently.data,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            return render_template("workshops/feedback_done.html", workshop=workshop, already=False)
    elif state == "not_asked":
        abort(403, "Feedback is asked of people who attended, once the register is signed off.")
    return render_template("workshops/feedback.html", workshop=workshop, form=form)


@bp.route("/workshops/<int:workshop_id>/feedback-results")
@roles_required("trainer", "admin")
def feedback_results(workshop_id: int):
    workshop = _workshop(workshop_id, "facilitate")
    return render_template(
        "workshops/feedback_results.html", workshop=workshop, summary=attendance.feedback_summary(workshop)
    )


@bp.route("/workshops/<int:workshop_id>/support/<int:trainer_id>", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def support(workshop_id: int, trainer_id: int):
    workshop = _workshop(workshop_id)
    admin = can(current_user, "manage", workshop)
    trainer = db.session.get(User, trainer_id) or abort(404)
    try:
        record = attendance.support_for(workshop, trainer)
    except ServiceError as exc:
        abort(404, exc.message)
    get_or_abort(TrainerSupport, record.id)
    briefing_form, debrief_form = BriefingForm(prefix="b"), DebriefForm(prefix="d")
    payment_form = PaymentForm(prefix="p")
    action = request.form.get("action")
    try:
        if action == "briefing" and admin and briefing_form.validate_on_submit():
            attendance.save_briefing(current_user, record, briefing_form.briefing.data)
            return _saved(workshop, trainer, "Briefing saved.")
        if action == "debrief" and current_user.id == trainer_id and debrief_form.validate_on_submit():
            attendance.save_debrief(
                current_user,
                record,
                how_it_went=debrief_form.how_it_went.data or "",
                support_wanted=debrief_form.support_wanted.data or "",
                preparation_minutes=debrief_form.preparation_minutes.data,
            )
            return _saved(workshop, trainer, "Debrief saved. Thank you.")
        if action == "claimed" and EmptyForm().validate_on_submit():
            attendance.set_payment(current_user, record, PaymentStatus.CLAIMED)
            return _saved(workshop, trainer, "Payment claimed.")
        if action == "paid" and payment_form.validate_on_submit():
            attendance.set_payment(current_user, record, PaymentStatus.PAID, payment_form.amount_pence())
            return _saved(workshop, trainer, f"Payment marked as paid: {record.amount}.")
    except ServiceError as exc:
        if exc.field == "amount":
            form_error(payment_form, exc)
        else:
            flash(exc.message, "error")
    if request.method == "GET":
        briefing_form.briefing.data = record.briefing
        debrief_form.how_it_went.data, debrief_form.support_wanted.data = (
            record.debrief_how_it_went,
            record.debrief_support_wanted,
        )
        debrief_form.preparation_minutes.data = record.preparation_minutes
    return render_template(
        "workshops/support.html",
        workshop=workshop,
        trainer=trainer,
        record=record,
        admin=admin,
        briefing_form=briefing_form,
        debrief_form=debrief_form,
        payment_form=payment_form,
        form=EmptyForm(),
    )


def _saved(workshop, trainer, message):
    flash(message, "info")
    return redirect(url_for("workshops.support", workshop_id=workshop.id, trainer_id=trainer.id))


@bp.route("/workshops/my-sessions")
@roles_required("trainer")
def my_sessions():
    sessions = queries.lived_experience_sessions(None, trainer_id=current_user.id)
    return render_template(
        "workshops/sessions.html",
        sessions=sessions,
        totals=queries.payment_totals(sessions),
        waiting=sum(1 for s in sessions if s["support"] and s["support"].payment_status is PaymentStatus.CLAIMED),
        mine=True,
    )


@bp.route("/workshops/reports/payments.<any(csv, xlsx):fmt>")
@roles_required("admin")
def payments_export(fmt: str):
    """Lived-experience trainers' sessions and payments, for finance: every cell neutralised (csvsafe)."""
    org = admin_organisation(current_user)
    rows = queries.payment_rows(org.id)
    log_event("workshops.payments_exported", current_user, org, organisation_id=org.id, fmt=fmt, rows=len(rows))
    name = f"trainer-payments-{uk_time(utcnow(), '%Y-%m-%d')}"
    if fmt == "csv":
        return csvsafe.csv_response(f"{name}.csv", queries.PAYMENT_HEADER, rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "Trainer payments"
    csvsafe.xlsx_append(sheet, queries.PAYMENT_HEADER)
    for row in rows:
        csvsafe.xlsx_append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@bp.route("/workshops/reports")
@roles_required("admin")
def reports():
    org_id = admin_organisation(current_user).id
    return render_template(
        "workshops/reports.html",
        overrides=queries.overrides(org_id),
        teams=queries.team_training(org_id),
        sessions=queries.lived_experience_sessions(org_id),
        guests=queries.guest_counts(org_id),
    )


def _trainer_sessions(trainer: User, profile) -> Markup | None:
    """The trainer page's "Sessions delivered" (a lived-experience trainer's workshops, support and payment)."""
    if not profile.kind.lived_experience:
        return None
    sessions = queries.lived_experience_sessions(None, trainer_id=trainer.id)
    return Markup(render_template("workshops/_trainer_sessions.html", sessions=sessions))


trainer_views.add_trainer_panel(_trainer_sessions)
