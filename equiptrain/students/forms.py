"""The form an administrator fills in to add a student on placement."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Email, Length

from equiptrain.forms import SingleLineEmailField, SingleLineField


class StudentForm(FlaskForm):
    name = SingleLineField(
        "Full name",
        validators=[DataRequired("Enter the student's name"), Length(max=200, message="Use 200 characters or fewer")],
    )
    email = SingleLineEmailField(
        "Email address",
        description="Their invitation to set a password goes here.",
        validators=[
            DataRequired("Enter the student's email address"),
            Email("Enter an email address like name@university.ac.uk"),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
        ],
    )
    university = SingleLineField(
        "University",
        validators=[
            DataRequired("Enter the student's university"),
            Length(max=200, message="Use 200 characters or fewer"),
        ],
    )
    team = SelectField("Placement team", coerce=int, validators=[DataRequired("Choose the placement team")])
    ends_on = DateField(
        "Placement ends on",
        description="For example, 2027-03-31.",
        validators=[DataRequired("Enter the date the placement ends, for example 2027-03-31")],
    )
