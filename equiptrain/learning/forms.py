"""The knowledge check form, built from the quiz's questions: radios for one answer, checkboxes for several."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from equiptrain.forms import EmptyForm, MultiCheckboxField, choices

__all__ = ["EmptyForm", "quiz_form"]


def field_name(question) -> str:
    return f"q_{question.id}"


def quiz_form(questions, formdata=None):
    """A form with one field per question, named q_<question id>; values are option positions from 1."""

    class QuizForm(FlaskForm):
        pass

    for n, q in enumerate(questions, 1):
        opts = choices((i, o["text"]) for i, o in enumerate(q.options, 1))
        if q.multiple:
            field = MultiCheckboxField(
                f"{n}. {q.prompt}",
                choices=opts,
                description="Select all that apply.",
                validators=[InputRequired(f"Answer question {n}: select all the options that apply.")],
            )
        else:
            field = RadioField(
                f"{n}. {q.prompt}", choices=opts, validators=[InputRequired(f"Answer question {n}: choose one option.")]
            )
        setattr(QuizForm, field_name(q), field)
    return QuizForm(formdata=formdata) if formdata is not None else QuizForm()
