"""Every text a form accepts is bounded, and never longer than the column it is saved in.

The walk: every form class in the app (including the ones built at run time for reflection templates), every
text field in it. Each must carry a Length(max=...) validator; where the form saves that field to a String(n)
column (WRITES below says which model each form writes, and under which column name when it differs), the
maximum must be at most n. A new form, or a new column, is checked without anyone remembering to add it here.
"""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import String
from wtforms import StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from equiptrain.accounts import forms as accounts_forms
from equiptrain.accounts.models import Organisation, Team, User
from equiptrain.reflection import forms as reflection_forms
from equiptrain.reflection.kinds import TEMPLATES
from equiptrain.reflection.models import CPDEntry, ReflectiveEntry
from equiptrain.workshops import forms as workshops_forms
from equiptrain.workshops.models import (
    CoDeliveryOverride,
    FeedbackResponse,
    ObserverFeedback,
    TrainerSupport,
    Workshop,
    WorkshopSession,
)

# form class -> (the model it writes, {form field: column} where the names differ)
WRITES = {
    accounts_forms.PersonForm: (User, {}),
    accounts_forms.TeamForm: (Team, {}),
    accounts_forms.OrganisationForm: (Organisation, {}),
    reflection_forms.EntryFormBase: (ReflectiveEntry, {}),
    reflection_forms.CPDForm: (CPDEntry, {}),
    workshops_forms.WorkshopForm: (Workshop, {}),
    workshops_forms.PublishForm: (CoDeliveryOverride, {"override_reason": "reason"}),
    workshops_forms.CheckInForm: (WorkshopSession, {"code": "checkin_code"}),
    workshops_forms.ObservationForm: (ObserverFeedback, {}),
    workshops_forms.FeedbackForm: (FeedbackResponse, {}),
    workshops_forms.BriefingForm: (TrainerSupport, {}),
    workshops_forms.DebriefForm: (
        TrainerSupport,
        {"how_it_went": "debrief_how_it_went", "support_wanted": "debrief_support_wanted"},
    ),
}


def _all_forms() -> list[type]:
    for template in TEMPLATES.values():  # the reflection forms are built on first use
        reflection_forms.entry_form_class(template)
    found, pending = [], [FlaskForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("equiptrain."):
                found.append(sub)
            pending.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def _text_fields(form: type):
    for cls in reversed(form.__mro__):
        for name, value in vars(cls).items():
            if isinstance(value, UnboundField) and issubclass(value.field_class, StringField):
                validators = value.kwargs.get("validators") or (value.args[1] if len(value.args) > 1 else [])
                yield name, [v.max for v in validators if isinstance(v, Length) and v.max >= 0]


def _column_length(form: type, field: str) -> tuple[str, int | None] | None:
    for cls in form.__mro__:
        if cls in WRITES:
            model, renamed = WRITES[cls]
            column = model.__table__.columns.get(renamed.get(field, field))
            if column is not None and isinstance(column.type, String):
                return f"{model.__name__}.{column.name}", column.type.length
    return None


FORMS = _all_forms()


def test_the_walk_finds_the_forms():
    names = {f.__name__ for f in FORMS}
    assert {"PersonForm", "WorkshopForm", "CPDForm", "SignInForm", "NmcEntryForm"} <= names


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f"{f.__module__.split('.')[-2]}.{f.__name__}")
def test_every_text_field_is_bounded_by_its_column(form):
    problems = []
    for name, maxima in _text_fields(form):
        if not maxima:
            problems.append(f"{name}: no Length(max=...): any amount of text is accepted")
            continue
        column = _column_length(form, name)
        if column is not None and column[1] is not None and max(maxima) > column[1]:
            problems.append(f"{name}: accepts {max(maxima)} characters but {column[0]} holds {column[1]}")
    assert not problems, f"{form.__name__}: " + "; ".join(problems)


@pytest.mark.parametrize("form", list(WRITES), ids=lambda f: f.__name__)
def test_each_declared_form_writes_columns_it_names(form):
    # A form in WRITES whose text fields match none of its model's columns is declared wrongly.
    fields = [name for name, _m in _text_fields(form)]
    assert any(_column_length(form, name) or name in _json_fields(form) for name in fields), form.__name__


def _json_fields(form) -> set[str]:
    # Reflective entries keep their answers in a JSON column (bounded by the form, checked above).
    return {"title"} if form is reflection_forms.EntryFormBase else set()
