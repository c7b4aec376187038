"""Forms for the organisation's single sign-on page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from equiptrain.accounts.sso_models import CLIENT_AUTH_METHODS, EMAIL_CLAIMS
from equiptrain.forms import SingleLineField, choices

AUTH_METHOD_LABELS = {
    "client_secret_basic": "Client secret, sent in the Authorization header (client_secret_basic)",
    "client_secret_post": "Client secret, sent in the request body (client_secret_post)",
    "private_key_jwt": "Private key: a signed assertion (private_key_jwt, as CIS2 requires)",
}
EMAIL_CLAIM_LABELS = {
    "email": "email (most providers, CIS2)",
    "preferred_username": "preferred_username (Entra ID)",
    "upn": "upn (Entra ID, older set-ups)",
}


class ProviderForm(FlaskForm):
    name = SingleLineField(
        "Name on the button",
        description='People see "Sign in with" and this name, for example NHSmail.',
        validators=[DataRequired("Enter the name people will see on the button"), Length(max=100)],
    )
    issuer = SingleLineField(
        "Issuer address",
        description="Exactly as the provider gives it, for example https://login.microsoftonline.com/<tenant id>/v2.0",
        validators=[DataRequired("Enter the provider's issuer address"), Length(max=500)],
    )
    client_id = SingleLineField(
        "Client ID", validators=[DataRequired("Enter the client ID the provider gave you"), Length(max=255)]
    )
    auth_method = RadioField(
        "How EquipTrain proves who it is",
        choices=choices((m, AUTH_METHOD_LABELS[m]) for m in CLIENT_AUTH_METHODS),
        default="client_secret_basic",
        validators=[DataRequired("Choose how EquipTrain proves who it is")],
    )
    client_secret = PasswordField(
        "Client secret",
        description="Never shown again once saved. Leave blank to keep the saved one.",
        validators=[Optional(), Length(max=500)],
    )
    private_key = TextAreaField(
        "Private key (PEM)",
        description="Kept in the instance folder, readable by EquipTrain only; never shown again.",
        validators=[Optional(), Length(max=10000)],
    )
    generate_key = BooleanField("Make a new key pair for me (then register the public key shown on the next page)")
    domains = SingleLineField(
        "Email domains it vouches for",
        description="Separate them with commas, for example riverside.nhs.uk, nhs.net",
        validators=[DataRequired("Enter at least one email domain"), Length(max=2000)],
    )
    email_claim = SelectField(
        "Claim that holds the email address",
        choices=choices((c, EMAIL_CLAIM_LABELS[c]) for c in EMAIL_CLAIMS),
        default="email",
    )
    trust_email = BooleanField(
        "Trust addresses in these domains without an email_verified claim (Entra ID sends none)",
    )
    tenant_id = SingleLineField(
        "Tenant ID (tid)",
        description="Required with nhs.net unless you give a group below. Every ID token must carry it.",
        validators=[Optional(), Length(max=100)],
    )
    groups_claim = SingleLineField(
        "Claim that holds groups or roles", default="groups", validators=[Optional(), Length(max=50)]
    )
    required_group = SingleLineField(
        "Group or role every person must have (optional)", validators=[Optional(), Length(max=200)]
    )
    mappings = TextAreaField(
        "Groups that give roles and teams (optional)",
        description="One a line: <group> = org_admin, <group> = programme_lead, or <group> = member: <team name> "
        "(or manager: <team name>).",
        validators=[Optional(), Length(max=5000)],
    )


class SsoSettingsForm(FlaskForm):
    create_accounts = BooleanField("Create an account, as a learner, the first time someone from our domains signs in")
    password_sign_in = RadioField(
        "Password sign-in for our members",
        choices=choices(
            [
                ("on", "Allowed: people can sign in with a password or with single sign-on"),
                ("off", "Off: single sign-on only (platform administrators keep their password)"),
            ]
        ),
        default="on",
        validators=[DataRequired("Choose whether passwords can be used")],
    )
