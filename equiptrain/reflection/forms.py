"""Forms for the reflective log, sharing, the CPD record, the confidence scale and the revalidation pack."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from equiptrain.forms import HiddenIdField, MultiCheckboxField, SingleLineField, choices
from equiptrain.reflection import regulators
from equiptrain.reflection.kinds import CODE_THEMES, TEMPLATES, Template


class _GetForm(FlaskForm):
    class Meta:
        csrf = False


class TemplateChoiceForm(_GetForm):
    template = RadioField(
        "Which template do you want to use?",
        choices=choices((t.key, t.label) for t in TEMPLATES.values()),
        validators=[InputRequired("Choose a template.")],
    )


class EntryFormBase(FlaskForm):
    title = SingleLineField(
        "Title",
        validators=[DataRequired("Enter a title for your reflection."), Length(max=200)],
        description="A few words to find it again, for example 'First care plan written together'.",
    )
    module_id = SelectField("Which module is this about? (optional)", coerce=str, validate_choice=True)
    unit_id = HiddenIdField()
    scenario_id = HiddenIdField()
    workshop_id = HiddenIdField()
    observer_feedback_id = HiddenIdField()
    prompt_slug = SingleLineField(widget=HiddenInput(), validators=[Optional(), Length(max=80)])
    confirm_no_identifiers = BooleanField(
        "I have checked the marked details: they do not identify a patient, carer or colleague"
    )

    def answers(self, template: Template) -> dict:
        data = {f.key: self[f.key].data or "" for f in template.fields}
        if template.code_themes:
            data["code_themes"] = self["code_themes"].data or []
        return data


_FORM_CLASSES: dict[str, type] = {}


def entry_form_class(template: Template) -> type[EntryFormBase]:
    """A form with one text area per part of the template (built once per template)."""
    if template.key not in _FORM_CLASSES:
        attrs = {
            f.key: TextAreaField(f.label, description=f.hint or None, validators=[Length(max=20000)])
            for f in template.fields
        }
        if template.code_themes:
            attrs["code_themes"] = MultiCheckboxField(
                "Which themes of the Code does it relate to?",
                choices=choices(CODE_THEMES.items()),
                description="Select all that apply.",
            )
        _FORM_CLASSES[template.key] = type(f"{template.key.title()}EntryForm", (EntryFormBase,), attrs)
    return _FORM_CLASSES[template.key]


class ShareForm(FlaskForm):
    supervisor = SelectField(
        "Who do you want to share it with?",
        validators=[InputRequired("Choose someone.")],
        description="A manager of one of your teams, or a trainer in your organisation. They "
        "can read this entry until you stop sharing it.",
    )


class CPDForm(FlaskForm):
    title = SingleLineField(
        "What was the activity?", validators=[DataRequired("Enter what the activity was."), Length(max=200)]
    )
    date = DateField("Date", validators=[InputRequired("Enter the date of the activity, for example 14/03/2025.")])
    hours = DecimalField(
        "Hours",
        places=2,
        validators=[
            InputRequired("Enter the hours as a number, for example 1.5."),
            NumberRange(min=0.25, max=100, message="Enter the hours as a number between 0.25 and 100."),
        ],
    )
    kind = RadioField(
        "Was it participatory or individual?",
        choices=choices(
            [
                ("participatory", "Participatory: you learned with other people (a workshop, a course, a discussion)"),
                ("individual", "Individual: you learned on your own (reading, an online module)"),
            ]
        ),
        validators=[InputRequired("Choose participatory or individual.")],
    )
    description = TextAreaField(
        "What did you learn, and how does it relate to your practice? (optional)",
        validators=[Optional(), Length(max=5000)],
    )


def confidence_form_class(items, scale: dict) -> type[FlaskForm]:
    low, high = int(scale["min"]), int(scale["max"])
    labels = {str(k): v for k, v in (scale.get("labels") or {}).items()}
    options = choices((str(n), f"{n}: {labels[str(n)]}" if str(n) in labels else str(n)) for n in range(low, high + 1))
    attrs = {
        f"item_{item.slug}": RadioField(
            item.text,
            choices=options,
            validators=[InputRequired(f"Choose how confident you feel: {item.text.lower()}.")],
        )
        for item in items
    }
    return type("ConfidenceForm", (FlaskForm,), attrs)


class WindowForm(_GetForm):
    ends = DateField(
        "Your revalidation date", validators=[Optional()], description="Totals cover the 3 years up to this date."
    )


class PackForm(_GetForm):
    regulator = SelectField(
        "Your regulator",
        choices=choices(regulators.choices()),
        validators=[Optional()],
        description="The pack follows what your regulator asks for. It is set from your profession.",
    )
    ends = DateField(
        "Your revalidation, renewal or appraisal date",
        validators=[Optional()],
        description="The CPD log covers your regulator's period up to this date.",
    )
    entries = MultiCheckboxField("Reflections to include", coerce=int)
