"""The form a facilitator or an administrator fills in to invite a guest to a workshop."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired, Email, Length

from equiptrain.accounts.models import Profession
from equiptrain.forms import SingleLineEmailField, SingleLineField, choices

PROFESSION_CHOICES = choices((p.value, p.label) for p in Profession)


class GuestForm(FlaskForm):
    name = SingleLineField(
        "Full name",
        validators=[
            DataRequired("Enter the guest's name"),
            Length(max=200, message="Enter a name of 200 characters or fewer"),
        ],
    )
    email = SingleLineEmailField(
        "Email address",
        description="Their invitation and a link to set a password go here.",
        validators=[
            DataRequired("Enter the guest's email address"),
            Email("Enter an email address like name@nhs.net"),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
        ],
    )
    role_description = SingleLineField(
        "Their role",
        description="What they do, as the facilitators and the group should know it, for example "
        "'GP, Riverside Surgery' or 'Independent mental health advocate'.",
        validators=[
            DataRequired("Describe the guest's role, for example 'GP' or 'Peer support worker'"),
            Length(max=200, message="Describe the role in 200 characters or fewer"),
        ],
    )
    profession = SelectField(
        "Profession",
        choices=PROFESSION_CHOICES,
        default=Profession.OTHER.value,
        description="Used only to mix professions when role-play groups are formed.",
    )
