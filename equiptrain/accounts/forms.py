"""Forms for signing in, passwords, people and teams."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from equiptrain.accounts.models import MembershipRole, Profession, TeamSetting
from equiptrain.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problems
from equiptrain.accounts.roles import trainer_role
from equiptrain.forms import (
    EmptyForm,  # noqa: F401  (re-exported for the views)
    OptionalSelectField,
    SingleLineEmailField,
    SingleLineField,
    choices,
)

PROFESSION_CHOICES = choices([("", "Choose a profession")] + [(p.value, p.label) for p in Profession])
SETTING_CHOICES = choices([("", "Choose a setting")] + [(s.value, s.label) for s in TeamSetting])


def trainer_choices():
    """The kinds of trainer, as the trainers feature names them (registered with `accounts.roles`)."""
    return choices([("", "Not a trainer")] + trainer_role().choices())


ROLE_CHOICES = choices((r.value, r.value.capitalize()) for r in MembershipRole)


# Bounds on what a text box accepts: the email column's length, and the longest password we keep (hashing a
# megabyte "password" on every attempt would be an easy way to load the server).
_EMAIL_LENGTH = Length(max=254, message="Enter an email address of 254 characters or fewer")
_PASSWORD_LENGTH = Length(max=MAX_LENGTH, message=f"Enter a password of {MAX_LENGTH} characters or fewer")


class SignInForm(FlaskForm):
    email = SingleLineEmailField("Email address", validators=[DataRequired("Enter your email address"), _EMAIL_LENGTH])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), _PASSWORD_LENGTH])
    remember = BooleanField(
        "Keep me signed in on this device for 30 days",
        description="Only on a device that is yours alone. Otherwise you are signed out after 12 hours unused.",
    )


class RequestResetForm(FlaskForm):
    email = SingleLineEmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            _EMAIL_LENGTH,
            Email("Enter an email address like name@nhs.net"),
        ],
    )


def _check_new_password(form, field):
    for problem in password_problems(
        field.data or "", email=getattr(form, "_email", ""), name=getattr(form, "_name", "")
    ):
        raise ValidationError(problem)


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description=f"At least {MIN_LENGTH} characters. Three random words "
        "make a strong password that is easy to remember.",
        validators=[DataRequired("Enter a new password"), _PASSWORD_LENGTH, _check_new_password],
    )
    confirm = PasswordField(
        "Confirm new password", validators=[DataRequired("Enter the new password again"), _PASSWORD_LENGTH]
    )

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError("The passwords do not match. Enter the same password twice.")


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password"), _PASSWORD_LENGTH]
    )


class PersonForm(FlaskForm):
    name = SingleLineField("Full name", validators=[DataRequired("Enter the person's full name"), Length(max=200)])
    email = SingleLineEmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address"),
            Email("Enter an email address like name@nhs.net"),
            Length(max=254),
        ],
    )
    profession = SelectField(
        "Profession", choices=PROFESSION_CHOICES, validators=[DataRequired("Choose the person's profession")]
    )
    employee_number = SingleLineField("Employee number (optional)", validators=[Optional(), Length(max=50)])


class NewPersonForm(PersonForm):
    team = OptionalSelectField("Team", coerce=str)
    team_role = SelectField("Role in the team", choices=ROLE_CHOICES)
    trainer_kind = OptionalSelectField("Trainer", choices=trainer_choices)
    is_org_admin = BooleanField("Administrator for the organisation")


class RolesForm(FlaskForm):
    trainer_kind = OptionalSelectField("Trainer", choices=trainer_choices)
    is_org_admin = BooleanField("Administrator for the organisation")
    is_programme_lead = BooleanField("Programme lead: sees every team's training, without administering people")


class MembershipForm(FlaskForm):
    team = SelectField("Team", coerce=str, validators=[DataRequired("Choose a team")])
    team_role = SelectField("Role", choices=ROLE_CHOICES + choices([("remove", "Remove from this team")]))


class TeamForm(FlaskForm):
    name = SingleLineField("Team name", validators=[DataRequired("Enter the team's name"), Length(max=200)])
    setting = SelectField("Setting", choices=SETTING_CHOICES, validators=[DataRequired("Choose the team's setting")])


class OrganisationForm(FlaskForm):
    name = SingleLineField(
        "Organisation name", validators=[DataRequired("Enter the organisation's name"), Length(max=200)]
    )


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file to upload"), FileAllowed(["csv"], "The file must be a .csv file")],
    )


class InviteToTeamForm(PersonForm):
    """A manager adds a new member to their own team."""
