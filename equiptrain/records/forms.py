"""Forms of the trust-records pages."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from equiptrain import csvsafe
from equiptrain.forms import EmptyForm, SingleLineEmailField, SingleLineField  # noqa: F401  (EmptyForm: re-exported for the views)
from equiptrain.records.staffsync import DEFAULT_COLUMNS, FIELD_LABELS

_HEADER = Length(max=100, message="A column name is at most 100 characters")


def _date_format(form, field) -> None:
    value = field.data or ""
    if not value.strip() or "%" not in value:
        raise ValidationError("Enter a date format such as %d/%m/%Y (day/month/year) or %Y-%m-%d")
    try:
        parsed = dt.datetime.strptime(dt.date(2024, 3, 9).strftime(value), value).date()
    except ValueError:
        parsed = None
    if parsed != dt.date(2024, 3, 9):
        raise ValidationError("That format cannot be read back as a whole date: use %d, %m and %Y (or %y, %b)")


def _https_address(form, field) -> None:
    if field.data and not field.data.startswith(("https://", "http://")):
        raise ValidationError("Enter the organisation's web address, starting https://")


class SettingsForm(FlaskForm):
    date_format = SingleLineField(
        "Date format of the staff file",
        validators=[DataRequired("Enter a date format"), Length(max=40), _date_format],
        description="%d day, %m month, %Y year: ESR's usual 31/12/2026 is %d/%m/%Y. Dates as 2026-12-31 are also read.",
    )
    deactivation_percent = IntegerField(
        "Largest share of people one sync may deactivate (per cent)",
        validators=[
            DataRequired("Enter a percentage from 1 to 100"),
            NumberRange(1, 100, "Enter a percentage from 1 to 100"),
        ],
        description="A sync that would deactivate more refuses unless forced: a truncated extract must not empty "
        "the trust.",
    )
    home_page = SingleLineField(
        "The organisation's web address (the xAPI account home page)",
        validators=[Optional(), Length(max=300), _https_address],
    )
    actor_employee_number = BooleanField(
        "Identify people in xAPI statements by their employee number (otherwise by an opaque id)"
    )


# One text box per column of the staff file, named after the field it fills.
for _field, _header in DEFAULT_COLUMNS.items():
    setattr(
        SettingsForm,
        f"column_{_field}",
        SingleLineField(
            f"Column for {FIELD_LABELS[_field].lower()}", validators=[Optional(), _HEADER], default=_header
        ),
    )


class StaffFileForm(FlaskForm):
    file = FileField(
        "Staff file (CSV)",
        validators=[
            FileRequired("Choose the staff file to upload"),
            FileAllowed(["csv"], "The file must be a .csv file"),
        ],
    )
    full = BooleanField("This is a full extract: people missing from it have left")


class ConfirmSyncForm(FlaskForm):
    force = BooleanField("Deactivate them anyway: I have checked this is a complete file and these people have left")


class MappingForm(FlaskForm):
    mapping = TextAreaField(
        "Organisation units and their teams",
        validators=[Length(max=200_000, message="The mapping is too long: upload it as a file")],
        description="One a line: the organisation unit or cost centre as the staff file has it, a comma, the team.",
    )
    file = FileField(
        "Or upload a CSV file of unit,team lines", validators=[FileAllowed(["csv"], "The file must be a .csv file")]
    )


class CompetenceForm(FlaskForm):
    competences = TextAreaField(
        "Competence names",
        validators=[Length(max=50_000, message="The mapping is too long")],
        description="One a line: the achievement, '=', the competence name your ESR team gave you.",
    )


class ExportForm(FlaskForm):
    since = DateField(
        "From", validators=[Optional()], description="Leave both empty for what changed since the last export."
    )
    until = DateField("To", validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data and not self.since.data:
            raise ValidationError("Enter the date the range starts from, or leave both empty")
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end of the range must be on or after its start")


class NotInEsrForm(FlaskForm):
    email = SingleLineEmailField(
        "Email address of the person",
        validators=[DataRequired("Enter the person's email address"), Length(max=254)],
    )


def clean_header(value: str | None) -> str:
    value = (value or "").strip()
    if csvsafe.is_dangerous(value):
        raise ValidationError("A column name cannot begin with =, +, - or @")
    return value
