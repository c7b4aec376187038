"""Forms for the involvement measure: opening a round (staff), and the anonymous questionnaire (public, and the
same form for typing in a paper response). The questionnaire is built from the round's frozen instrument."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from equiptrain.careaudit.forms import DayField
from equiptrain.careaudit.measure_models import COMMENT_MAX, MeasureRoundKind
from equiptrain.forms import SingleLineField, choices


class MeasureRoundForm(FlaskForm):
    instrument = SelectField("Questionnaire", validators=[InputRequired("Choose a questionnaire")])
    label = SingleLineField(
        "Name of the round",
        description="For example 'Before the core, spring 2027'.",
        validators=[DataRequired("Give the round a name"), Length(max=120, message="Use 120 characters or fewer")],
    )
    kind = RadioField(
        "Which round is this?",
        choices=choices((k.value, k.label) for k in MeasureRoundKind),
        validators=[InputRequired("Choose which round this is")],
    )
    opens_on = DayField("Opens on", validators=[InputRequired("Enter the opening date, like 2027-03-01")])
    closes_on = DayField("Closes on", validators=[InputRequired("Enter the closing date, like 2027-03-31")])


def field_name(slug: str) -> str:
    return "q_" + slug.replace("-", "_")


def questionnaire_form(definition: dict, respondent: str | None, easy_read: bool):
    """One radio question per statement the respondent answers (all statements until they say who they are,
    each marked for service users or carers), optional; the scale's labels as the choices."""
    scale = definition["scale"]
    labels = scale["easy_read_labels" if easy_read else "labels"]
    options = [(k, f"{v}") for k, v in labels.items()]
    if scale.get("not_applicable"):
        options.append(("na", scale["not_applicable"]))

    class Questionnaire(FlaskForm):
        respondent = RadioField(
            "Are you answering about your own care, or as a carer?" if not easy_read else "Who are you?",
            choices=choices(
                [
                    ("service_user", "About my own care" if not easy_read else "I get care from the team"),
                    ("carer", "As a carer, family member or friend" if not easy_read else "I look after someone"),
                ]
            ),
            validators=[InputRequired("Say whether you are answering about your own care or as a carer")],
        )
        comment = TextAreaField(
            (definition.get("comment") or {}).get("easy_read" if easy_read else "prompt", "Anything else?"),
            validators=[Optional(), Length(max=COMMENT_MAX, message=f"Use {COMMENT_MAX} characters or fewer")],
        )

    for s in definition["statements"]:
        setattr(
            Questionnaire,
            field_name(s["slug"]),
            RadioField(s["easy_read"] if easy_read else s["text"], choices=choices(options), validators=[Optional()]),
        )
    return Questionnaire()
