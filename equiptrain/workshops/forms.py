"""Forms for workshops: scheduling, publishing, replies, the register, check-in, role play, feedback, support."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from equiptrain.forms import (  # noqa: F401  (EmptyForm for the views)
    EmptyForm,
    MultiCheckboxField,
    OptionalSelectField,
    SingleLineEmailField,
    SingleLineField,
    choices,
)
from equiptrain.workshops.models import MAX_SESSIONS, WorkshopKind

KIND_CHOICES = choices((k.value, k.label) for k in WorkshopKind)
SCALE = choices([("5", "5 - very much"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1 - not at all")])


class WorkshopForm(FlaskForm):
    title = SingleLineField("Title", validators=[DataRequired("Enter a title for the workshop"), Length(max=200)])
    kind = SelectField("Kind of workshop", choices=KIND_CHOICES)
    follow_up_of = OptionalSelectField("Follows up (for supervision and booster sessions)", coerce=str)
    starts_at = DateTimeLocalField(
        "Session 1 starts (UK time)",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Enter when the workshop starts, like 2026-03-14 09:30")],
    )
    ends_at = DateTimeLocalField(
        "Session 1 ends (UK time)",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Enter when the workshop ends, like 2026-03-14 16:30")],
    )
    room = SingleLineField("Room (optional if online)", validators=[Optional(), Length(max=300)])
    online_url = SingleLineField(
        "Online link (optional)",
        validators=[
            Optional(),
            URL(message="Enter the online link as a full address starting https://"),
            Length(max=500),
        ],
    )
    capacity = IntegerField(
        "Capacity (places)",
        validators=[
            InputRequired("Enter how many places there are"),
            NumberRange(1, 500, "Enter a capacity from 1 to 500"),
        ],
    )
    modules = MultiCheckboxField("Modules covered", coerce=str)
    teams = MultiCheckboxField("Teams invited", coerce=str)
    facilitators = MultiCheckboxField("Facilitators", coerce=str)
    confirm_unprepared = BooleanField("Save anyway: I have checked these trainers can deliver these modules")

    def session_times(self) -> list[tuple]:
        """(starts, ends) of each session given, in order, UK local times as entered; a later session with only
        one of its times gets a field error and None is returned."""
        times = [(self.starts_at.data, self.ends_at.data)]
        for n in range(2, MAX_SESSIONS + 1):
            start, end = self[f"session{n}_starts_at"], self[f"session{n}_ends_at"]
            if start.data is None and end.data is None:
                continue
            if start.data is None or end.data is None:
                (start if start.data is None else end).errors.append(
                    f"Enter both the start and the end of session {n}, or leave both empty"
                )
                return []
            times.append((start.data, end.data))
        return times


for _n in range(2, MAX_SESSIONS + 1):
    setattr(
        WorkshopForm,
        f"session{_n}_starts_at",
        DateTimeLocalField(f"Session {_n} starts (UK time)", format="%Y-%m-%dT%H:%M", validators=[Optional()]),
    )
    setattr(
        WorkshopForm,
        f"session{_n}_ends_at",
        DateTimeLocalField(f"Session {_n} ends (UK time)", format="%Y-%m-%dT%H:%M", validators=[Optional()]),
    )


class PublishForm(FlaskForm):
    override_reason = TextAreaField(
        "Reason for publishing without co-delivery by trained trainers (only if the "
        "facilitators lack a lived-experience or a professional trainer, or a "
        "lived-experience trainer has not completed train-the-trainers)",
        validators=[Optional(), Length(max=2000)],
    )


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Reason for cancelling (sent to everyone invited)",
        validators=[
            DataRequired("Give the reason for cancelling: it is sent to everyone invited"),
            Length(max=2000, message="Keep the reason to 2000 characters or fewer"),
        ],
    )


class ReplyForm(FlaskForm):
    attending = RadioField(
        "Will you attend?",
        choices=choices([("yes", "Yes, I will attend"), ("no", "No, I cannot attend")]),
        validators=[DataRequired("Choose whether you will attend")],
    )


class CheckInForm(FlaskForm):
    code = SingleLineField(
        "Check-in code", validators=[DataRequired("Enter the code shown on the room's screen"), Length(max=12)]
    )


class RoundForm(FlaskForm):
    scenario = SelectField("Scenario", coerce=str, validators=[DataRequired("Choose a scenario")])


class ObservationForm(FlaskForm):
    checklist = MultiCheckboxField("What did the practitioner do?", coerce=str)
    comments = TextAreaField("Comments for the practitioner", validators=[Optional(), Length(max=5000)])


class FeedbackForm(FlaskForm):
    useful = RadioField(
        "How useful was the workshop?", choices=SCALE, validators=[DataRequired("Choose how useful the workshop was")]
    )
    do_differently = TextAreaField("What will you do differently?", validators=[Optional(), Length(max=3000)])
    lived_experience_valuable = RadioField(
        "How valuable was the lived-experience trainers' input?",
        choices=SCALE,
        validators=[DataRequired("Choose how valuable the lived-experience input was")],
    )


class BriefingForm(FlaskForm):
    briefing = TextAreaField(
        "Briefing before the workshop", validators=[DataRequired("Write the briefing"), Length(max=5000)]
    )


class DebriefForm(FlaskForm):
    how_it_went = TextAreaField("How did it go?", validators=[Optional(), Length(max=5000)])
    support_wanted = TextAreaField("Any support you would like", validators=[Optional(), Length(max=5000)])
    preparation_minutes = IntegerField(
        "Preparation time (minutes)",
        validators=[
            InputRequired("Enter your preparation time in minutes (0 if none)"),
            NumberRange(0, 2400, "Enter a preparation time from 0 to 2400 minutes"),
        ],
    )


class AfterwardsForm(FlaskForm):
    """An administrator records, after sign-off, that someone the register missed came to a session."""

    person = OptionalSelectField("Who came", coerce=str, validators=[DataRequired("Choose who came")])
    status = SelectField(
        "They were",
        choices=choices([("present", "Present"), ("late", "Late")]),
        validators=[DataRequired("Choose present or late")],
    )
    reason = SingleLineField(
        "Why the register missed them (kept in the audit log)",
        validators=[DataRequired("Say why the register missed them"), Length(max=500)],
    )


class PaymentForm(FlaskForm):
    """An administrator marks a lived-experience trainer's claim as paid, with the amount paid."""

    amount = SingleLineField(
        "Amount paid, in pounds",
        validators=[
            Optional(),
            Length(max=20, message="Enter the amount in pounds, for example 150 or 150.00"),
            Regexp(r"^£?\s*\d{1,5}(\.\d{1,2})?$", message="Enter the amount in pounds, for example 150 or 150.00"),
        ],
    )

    def amount_pence(self) -> int | None:
        text = (self.amount.data or "").strip().lstrip("£").strip()
        return int(Decimal(text) * 100) if text else None


class TrainingAddressForm(FlaskForm):
    """The organisation's training address: the ORGANIZER of its workshops' calendar invitations."""

    email = SingleLineEmailField(
        "Training address",
        description="For example, equip.training@yourtrust.nhs.uk. A shared mailbox the training team reads is best.",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],  # spaces pasted with it
        validators=[
            DataRequired("Enter the training team's email address, or choose to clear it"),
            Email("Enter an email address like equip.training@yourtrust.nhs.uk"),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
        ],
    )
