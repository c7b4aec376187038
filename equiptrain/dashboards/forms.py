"""The organisation's training settings, a team's later deadline, and choosing people to remind."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from equiptrain.forms import MultiCheckboxField

EXPIRY_ERROR = "Enter a number of months from 1 to 120, or leave it blank if it does not expire."


def expiry_field_name(module_id: int) -> str:
    return f"expiry_{module_id}"


def training_settings_form(modules) -> TrainingSettingsForm:
    """The settings form with one expiry field per module of the course (`expiry_<module id>`)."""

    class Form(TrainingSettingsForm):
        pass

    for m in modules:
        setattr(
            Form,
            expiry_field_name(m.id),
            IntegerField(
                f"{m.title}: months until it expires",
                validators=[Optional(), NumberRange(1, 120, f"{m.title}: {EXPIRY_ERROR[0].lower()}{EXPIRY_ERROR[1:]}")],
            ),
        )
    return Form()


class TrainingSettingsForm(FlaskForm):
    # No Optional(): it would clear the check that every ticked value is one of the modules offered.
    modules = MultiCheckboxField(
        "Mandatory modules", coerce=str, description="Staff must complete these by their deadline."
    )
    core_workshop = BooleanField(
        "The core workshop is mandatory", description="Staff must attend a core workshop by their deadline."
    )
    deadline = DateField(
        "Completion deadline",
        validators=[Optional()],
        description="For example 31/03/2027. Leave it blank for no fixed date.",
    )
    joiner_days = IntegerField(
        "Days to complete for people who join later",
        validators=[Optional(), NumberRange(1, 730, "Enter a number of days from 1 to 730, or leave it blank.")],
        description="Counted from the day they joined their team; they get whichever date is later.",
    )
    core_expiry_months = IntegerField(
        "The core workshop: months until it expires",
        validators=[Optional(), NumberRange(1, 120, f"The core workshop: {EXPIRY_ERROR[0].lower()}{EXPIRY_ERROR[1:]}")],
    )
    refresher_whole_module = BooleanField(
        "Refreshers repeat the whole module",
        description="Otherwise a refresher, opened before a completion expires, is the knowledge check and a solo "
        "practice again.",
    )


class TeamDeadlineForm(FlaskForm):
    team = SelectField("Team", coerce=str, validators=[DataRequired("Choose a team.")])
    team_deadline = DateField(
        "Later deadline for this team",
        validators=[Optional()],
        description="Leave it blank to remove the team's own date.",
    )
