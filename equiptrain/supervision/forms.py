"""Forms for team supervision: starting a plan, due dates, linking a workshop, the action plan."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from equiptrain.forms import OptionalSelectField, SingleLineField, choices
from equiptrain.supervision.models import ActionStatus

STATUS_CHOICES = choices((s.value, s.label) for s in ActionStatus)


class StartPlanForm(FlaskForm):
    core_workshop = SelectField("The core it follows", coerce=str, validators=[Optional()])
    starts_on = DateField(
        "Count the sessions from (usually the last day of the core)",
        validators=[InputRequired("Enter the date to count from, for example 2026-03-21")],
    )


class SessionForm(FlaskForm):
    """One planned session: the supervision workshop that delivers it, and/or a new due date."""

    workshop = SelectField("Supervision workshop that delivers this session", coerce=str, validators=[Optional()])
    due_on = DateField("Due by", validators=[Optional()])


class ActionForm(FlaskForm):
    action = TextAreaField(
        "Action",
        validators=[
            DataRequired("Enter the action the team agreed"),
            Length(max=2000, message="Keep the action to 2000 characters"),
        ],
    )
    owner = SingleLineField(
        "Owner",
        validators=[
            DataRequired("Enter who owns the action"),
            Length(max=200, message="Keep the owner to 200 characters"),
        ],
    )
    due_on = DateField("Due by", validators=[InputRequired("Enter when the action is due, for example 2026-05-01")])
    session_number = SelectField("Agreed at", coerce=str, validators=[DataRequired("Choose the session")])


class ReviewForm(FlaskForm):
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[DataRequired("Choose a status")])
    session_number = OptionalSelectField("Reviewed at", coerce=str)
    note = TextAreaField(
        "Review note", validators=[Optional(), Length(max=2000, message="Keep the note to 2000 characters")]
    )
