"""Form pieces every feature uses."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, SelectMultipleField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from equiptrain.db import MAX_ID
from equiptrain.errors import ServiceError


def form_error(form, exc: ServiceError, default: str | None = None) -> None:
    """Show a change a service refused on the form: beside the field the service named, else beside `default`,
    else above the form. The one way every view turns a ServiceError into a form error."""
    name = exc.field if exc.field and exc.field in form else default
    if name and name in form:
        form[name].errors = [*form[name].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs, NUL and the other control characters (and Unicode's line and paragraph separators)."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


def one_line(text: str) -> str:
    """`text` with every run of white space or control characters made one space: safe for a mail header."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(cleaned.split())


class SingleLineMixin:
    """A single-line text field: control characters (a line break, a tab, NUL) are refused with a clear error, so
    no title, name or label can later break a mail header, a CSV row or a PDF line. Every single-line field in
    every form is one of these (a test walks the forms)."""

    def pre_validate(self, form):
        super().pre_validate(form)
        data = getattr(self, "data", None)
        if isinstance(data, str) and has_control_characters(data):
            raise ValidationError(
                f"Keep '{self.label.text}' on one line, without line breaks, tabs or other control characters."
            )


class SingleLineField(SingleLineMixin, StringField):
    """A single line of text (see SingleLineMixin)."""


class SingleLineEmailField(SingleLineMixin, EmailField):
    """An email address on one line (see SingleLineMixin)."""


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes for one question (rendered with the NHS.UK checkboxes component)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OptionalSelectField(SelectField):
    """A select whose blank first choice means "none": blank or white space gives `data` None, and anything else
    must be one of the choices (a plain SelectField with `Optional()` lets " " through, which the view then fails
    to turn into an enum or an id)."""

    def process_formdata(self, valuelist):
        if valuelist:
            value = valuelist[0].strip() if isinstance(valuelist[0], str) else valuelist[0]
            if value == "":
                self.data = None
                return
            try:
                self.data = self.coerce(value)
            except (ValueError, TypeError):
                self.data = value
                raise ValueError(self._invalid_message()) from None

    def pre_validate(self, form):
        if self.data is None or self.process_errors:
            return
        if not any(choice.selected for choice in self.iter_choices()):
            raise ValidationError(self._invalid_message())

    def _invalid_message(self) -> str:
        return f"Choose an option from the list for '{self.label.text}'."


class HiddenIdField(IntegerField):
    """A hidden field carrying a row id: blank is None; anything but a whole number from 1 to MAX_ID is an error
    (so a forged id never reaches the database as an integer it cannot hold)."""

    widget = HiddenInput()

    def __init__(self, label=None, validators=None, message: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or (
            "This page's link is not a valid link (it was changed or is out of date). "
            "Go back and start again from the page it links to."
        )

    def process_formdata(self, valuelist):
        self.data = None
        value = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        if not value:
            return
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
            raise ValueError(self.message)
        self.data = int(value)


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""
