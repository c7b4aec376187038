"""Forms: opening a round, and scoring a care plan (one question per criterion, built from the loaded criteria)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from equiptrain.careaudit.models import EXCERPT_MAX, RoundKind
from equiptrain.forms import MultiCheckboxField, SingleLineField, choices

SCORE_LABELS = {0: "0, not met", 1: "1, partly met", 2: "2, met"}


class DayField(DateField):
    """A date field whose message says how to write the date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(f"Enter {self.label.text.lower()} as a real date, like 2027-03-01") from exc


class RoundForm(FlaskForm):
    label = SingleLineField(
        "Name of the round",
        description="For example 'Baseline, spring 2027'.",
        validators=[
            DataRequired("Give the round a name, for example 'Baseline, spring 2027'"),
            Length(max=120, message="Use 120 characters or fewer"),
        ],
    )
    kind = RadioField(
        "Which round is this?",
        choices=choices((k.value, k.label) for k in RoundKind),
        validators=[InputRequired("Choose baseline or follow-up")],
    )
    starts_on = DayField("First day", validators=[InputRequired("Enter the first day as a date, like 2027-03-01")])
    ends_on = DayField("Last day", validators=[InputRequired("Enter the last day as a date, like 2027-03-31")])
    caseload_size = IntegerField(
        "How many people are on the caseload list? (optional)",
        description="Sort the list by surname outside EquipTrain and count it. EquipTrain then draws which places "
        "on the list to audit, so nobody chooses the best plans. Enter no names or numbers from the list.",
        validators=[Optional(), NumberRange(1, 5000, "Enter a number from 1 to 5000")],
    )
    sample_size = IntegerField(
        "How many plans will you audit? (optional)",
        validators=[Optional(), NumberRange(1, 200, "Enter a number from 1 to 200")],
    )
    double_share = IntegerField(
        "Share of plans scored twice, blind (percent)",
        default=20,
        description="A second auditor scores these without seeing the first scores, to measure agreement.",
        validators=[Optional(), NumberRange(0, 100, "Enter a percentage from 0 to 100")],
    )


class ScoreFormBase(FlaskForm):
    excerpt = TextAreaField(
        "A short excerpt (optional)",
        description=f"Up to {EXCERPT_MAX} characters of wording that shows why you scored as you did. Never copy "
        "a name, NHS number, date of birth, address, phone number or email: the excerpt is refused if "
        "it holds anything that could identify the person.",
        validators=[
            Optional(),
            Length(max=EXCERPT_MAX, message=f"Keep the excerpt to {EXCERPT_MAX} characters or fewer"),
        ],
    )
    sample_position = SelectField("Which of the drawn plans is this?", choices=[], validate_choice=False)
    co_auditors = MultiCheckboxField(
        "Co-auditors (optional)",
        description="Anyone who scored this plan with you, such as a lived-experience trainer.",
        choices=[],
    )


def field_name(slug: str) -> str:
    return "criterion_" + slug.replace("-", "_")


def score_form(criteria) -> FlaskForm:
    """A scoring form with one required 0-2 question per criterion, each option labelled with its guide."""

    class ScoreForm(ScoreFormBase):
        pass

    for c in criteria:
        options = [(str(s), f"{SCORE_LABELS[s]}: {c.scores.get(str(s), '')}") for s in (2, 1, 0)]
        setattr(
            ScoreForm,
            field_name(c.slug),
            RadioField(
                f"Your score: {c.title}",
                choices=choices(options),
                validators=[InputRequired(f"Score '{c.title}': choose 0, 1 or 2")],
            ),
        )
    return ScoreForm()
