"""The organisation's scheduled-message switches and digest day; a person's digest opt-out."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from equiptrain.forms import MultiCheckboxField, choices
from equiptrain.reminders.settings import MESSAGES, WEEKDAYS


class MessageSettingsForm(FlaskForm):
    # No Optional(): it would clear the check that every ticked value is one of those offered.
    enabled = MultiCheckboxField(
        "Messages sent",
        coerce=str,
        choices=choices((name, f"{label}: {what}") for name, (label, what) in MESSAGES.items()),
        description="Untick a message to stop sending it to your organisation's staff.",
    )
    digest_weekday = SelectField(
        "Day the managers' weekly digest is sent",
        choices=choices(enumerate(WEEKDAYS)),
        default="0",
    )


class DigestPreferenceForm(FlaskForm):
    digest = BooleanField(
        "Send me the weekly digest about my teams",
        description="Who is overdue or due soon, completions expiring and supervision sessions due.",
    )
