"""Forms for a trainer's records: prepared modules, train-the-trainers, the selection record, connections."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from equiptrain.forms import MultiCheckboxField


def _area(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        validators=[
            DataRequired(f"Fill in '{label}' (write 'none' where there is nothing)"),
            Length(max=4000, message="Keep it to 4,000 characters or fewer"),
        ],
    )


class SelectionForm(FlaskForm):
    recruited_how = _area(
        "How they were recruited", "For example: advert through the carers' centre, conversation, selection day."
    )
    references = _area("References", "Who gave references and when they were received. Not their content.")
    training = _area("Training", "Train-the-trainers and anything else completed, with dates.")
    support_agreed = _area(
        "Support agreed", "Supervision, debriefs, payment and expenses, who to contact, reasonable adjustments."
    )


class ConnectionForm(FlaskForm):
    team = SelectField("Team", coerce=int, validators=[DataRequired("Choose the team")])


class EmptyForm(FlaskForm):
    pass


class PreparedModulesForm(FlaskForm):
    modules = MultiCheckboxField("Modules this trainer is prepared to deliver", coerce=str)


class TrainingForm(FlaskForm):
    completed_on = DateField("Train-the-trainers course completed on (leave empty if not yet)", validators=[Optional()])
    sessions_shadowed = IntegerField(
        "Workshops shadowed",
        validators=[
            InputRequired("Enter how many workshops they have shadowed (0 if none)"),
            NumberRange(0, 200, "Enter a number of workshops from 0 to 200"),
        ],
    )
    preparation = TextAreaField(
        "Preparation done (what they have prepared, any support they asked for)",
        validators=[Optional(), Length(max=5000)],
    )
