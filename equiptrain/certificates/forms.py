"""Forms for revoking and reissuing certificates, looking up a code, and a trainer's naming choice."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from equiptrain.forms import SingleLineField


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reason for revoking",
        description="Kept in the audit log and shown to administrators; the verification page shows only the date.",
        validators=[
            DataRequired("Enter the reason for revoking the certificate"),
            Length(max=1000, message="Keep the reason under 1,000 characters"),
        ],
    )


class ReissueForm(FlaskForm):
    reason = SingleLineField(
        "Reason for reissuing",
        description="For example: name corrected.",
        validators=[
            DataRequired("Enter the reason for reissuing the certificate"),
            Length(max=200, message="Keep the reason under 200 characters"),
        ],
    )


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup: nothing changes

    code = SingleLineField(
        "Verification code",
        description="The code printed on the certificate, for example "
        "ABCD-EFGH-...; capitals and dashes do not matter.",
        validators=[
            DataRequired("Enter the verification code from the certificate"),
            Length(max=80, message="A verification code is 28 letters and digits"),
        ],
    )


class NamingForm(FlaskForm):
    named = BooleanField(
        "Name me on the certificates of workshops I deliver",
        description='If you leave this unticked, certificates say "a service-user trainer" or '
        '"a carer trainer" instead of your name.',
    )
