"""Forms for the selection record and for declaring a connection."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length


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
