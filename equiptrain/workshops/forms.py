"""Forms for workshops: scheduling, publishing, replies, the register, check-in, role play, feedback, support."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, URL

from equiptrain.forms import EmptyForm  # noqa: F401  (for the views)
from equiptrain.forms import MultiCheckboxField, OptionalSelectField, choices
from equiptrain.workshops.models import WorkshopKind

KIND_CHOICES = choices((k.value, k.label) for k in WorkshopKind)
SCALE = choices([("5", "5 - very much"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1 - not at all")])


class WorkshopForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title for the workshop"), Length(max=200)])
    kind = SelectField("Kind of workshop", choices=KIND_CHOICES)
    follow_up_of = OptionalSelectField("Follows up (for supervision and booster sessions)", coerce=str)
    starts_at = DateTimeLocalField("Starts (UK time)", format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired("Enter when the workshop starts, like 2026-03-14 09:30")])
    ends_at = DateTimeLocalField("Ends (UK time)", format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired("Enter when the workshop ends, like 2026-03-14 16:30")])
    room = StringField("Room (optional if online)", validators=[Optional(), Length(max=300)])
    online_url = StringField("Online link (optional)", validators=[
        Optional(), URL(message="Enter the online link as a full address starting https://"), Length(max=500)])
    capacity = IntegerField("Capacity (places)", validators=[
        InputRequired("Enter how many places there are"), NumberRange(1, 500, "Enter a capacity from 1 to 500")])
    modules = MultiCheckboxField("Modules covered", coerce=str)
    teams = MultiCheckboxField("Teams invited", coerce=str)
    facilitators = MultiCheckboxField("Facilitators", coerce=str)
    confirm_unprepared = BooleanField("Save anyway: I have checked these trainers can deliver these modules")


class PublishForm(FlaskForm):
    override_reason = TextAreaField("Reason for publishing without co-delivery (only if the facilitators lack a "
                                    "lived-experience or a professional trainer)",
                                    validators=[Optional(), Length(max=2000)])


class ReplyForm(FlaskForm):
    attending = RadioField("Will you attend?", choices=choices([("yes", "Yes, I will attend"),
                                                               ("no", "No, I cannot attend")]),
                           validators=[DataRequired("Choose whether you will attend")])


class CheckInForm(FlaskForm):
    code = StringField("Check-in code", validators=[DataRequired("Enter the code shown on the room's screen"),
                                                    Length(max=12)])


class RoundForm(FlaskForm):
    scenario = SelectField("Scenario", coerce=str, validators=[DataRequired("Choose a scenario")])


class ObservationForm(FlaskForm):
    checklist = MultiCheckboxField("What did the practitioner do?", coerce=str)
    comments = TextAreaField("Comments for the practitioner", validators=[Optional(), Length(max=5000)])


class FeedbackForm(FlaskForm):
    useful = RadioField("How useful was the workshop?", choices=SCALE,
                        validators=[DataRequired("Choose how useful the workshop was")])
    do_differently = TextAreaField("What will you do differently?", validators=[Optional(), Length(max=3000)])
    lived_experience_valuable = RadioField("How valuable was the lived-experience trainers' input?", choices=SCALE,
                                           validators=[DataRequired("Choose how valuable the lived-experience "
                                                                    "input was")])


class BriefingForm(FlaskForm):
    briefing = TextAreaField("Briefing before the workshop", validators=[DataRequired("Write the briefing"),
                                                                          Length(max=5000)])


class DebriefForm(FlaskForm):
    how_it_went = TextAreaField("How did it go?", validators=[Optional(), Length(max=5000)])
    support_wanted = TextAreaField("Any support you would like", validators=[Optional(), Length(max=5000)])
    preparation_minutes = IntegerField("Preparation time (minutes)", validators=[
        InputRequired("Enter your preparation time in minutes (0 if none)"),
        NumberRange(0, 2400, "Enter a preparation time from 0 to 2400 minutes")])


class PreparedModulesForm(FlaskForm):
    modules = MultiCheckboxField("Modules this trainer is prepared to deliver", coerce=str)
