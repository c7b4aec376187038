"""The person's own list of messages sent to them (and their digest choice), and the organisation's
scheduled-message settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from equiptrain import ui
from equiptrain.accounts import queries as account_queries
from equiptrain.auditlog.services import log_event
from equiptrain.authz import roles_required
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.jobs.models import OutboxItem
from equiptrain.learning.views import add_programme_panel
from equiptrain.reminders import settings
from equiptrain.reminders.forms import DigestPreferenceForm, MessageSettingsForm

bp = Blueprint("reminders", __name__)
ui.add_nav("Scheduled messages", "reminders.organisation_messages", ("admin",), order=84)
MESSAGES_SHOWN = 100
CATEGORY_LABELS = {name: label for name, (label, _what) in settings.MESSAGES.items()} | {
    "": "Email",
}


@bp.route("/account/messages", methods=["GET", "POST"])
@roles_required("learner")
def my_messages():
    form = DigestPreferenceForm()
    if form.validate_on_submit():
        settings.set_opt_out(current_user.id, "manager_digest", not form.digest.data)
        log_event("message_preferences.saved", current_user, current_user, manager_digest=bool(form.digest.data))
        flash("Your choice has been saved.", "info")
        return redirect(url_for("reminders.my_messages"))
    form.digest.data = current_user.id not in settings.opted_out([current_user.id], "manager_digest")
    items = db.session.scalars(
        select(OutboxItem)
        .where(OutboxItem.user_id == current_user.id, OutboxItem.kind == "email")
        .order_by(OutboxItem.created_at.desc(), OutboxItem.id.desc())
        .limit(MESSAGES_SHOWN)
    ).all()
    return render_template(
        "reminders/my_messages.html", items=items, form=form, labels=CATEGORY_LABELS, shown=MESSAGES_SHOWN
    )


@bp.route("/admin/messages", methods=["GET", "POST"])
@roles_required("admin")
def organisation_messages():
    org = account_queries.admin_organisation(current_user)
    form = MessageSettingsForm()
    if form.validate_on_submit():
        off = set(settings.MESSAGES) - set(form.enabled.data or [])
        weekday = int(form.digest_weekday.data)
        settings.save(org.id, off, weekday)
        log_event(
            "message_settings.saved", current_user, org, organisation_id=org.id, off=sorted(off), digest_weekday=weekday
        )
        flash("The scheduled messages have been saved.", "info")
        return redirect(url_for("reminders.organisation_messages", org=org.id))
    if not form.is_submitted():
        off, weekday = settings.organisation_settings(org.id)
        form.enabled.data = [name for name in settings.MESSAGES if name not in off]
        form.digest_weekday.data = str(weekday)
    return render_template("reminders/organisation_messages.html", form=form, org=org)


def _programme_panel(user) -> Markup | None:
    """On My programme: the learner's open refreshers (modules and the core), and then when each part of their
    training expires. One query for the many learners with no refresher open."""
    from equiptrain.reminders import refreshers

    if not refreshers.has_open(user.id):
        return None
    open_ = refreshers.open_for(user.id)
    expiring = refreshers.expiry_dates(user)
    return Markup(
        render_template(
            "reminders/_programme_refreshers.html",
            refreshers=open_,
            expiring=expiring,
            today=utcnow().date(),
        )
    )


add_programme_panel(_programme_panel)
