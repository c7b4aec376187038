"""Single sign-on tables: an organisation's OpenID Connect providers, the (issuer, sub) links to people, the
provider session behind each signed-in browser, and the organisation's sign-in settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Organisation, User
from equiptrain.db import Base, utcnow

CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt")
EMAIL_CLAIMS = ("email", "preferred_username", "upn")
# What a group or role claim value can grant: a place in a team, or one of the organisation's roles.
MAPPED_ROLES = ("member", "manager", "org_admin", "programme_lead")


class SsoProvider(Base):
    """One OpenID Provider an organisation's staff sign in with (Entra ID, CIS2...). The client secret, when
    there is one, is never shown again once saved; a private key lives in the instance folder, not here."""

    __tablename__ = "sso_providers"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # "Sign in with <name>"
    issuer: Mapped[str] = mapped_column(String(500), index=True)
    client_id: Mapped[str] = mapped_column(String(255))
    auth_method: Mapped[str] = mapped_column(String(30))  # one of CLIENT_AUTH_METHODS
    client_secret: Mapped[str | None] = mapped_column(String(500))
    key_file: Mapped[str | None] = mapped_column(String(100))  # file name under instance/sso_keys/
    domains: Mapped[list] = mapped_column(JSON, default=list)  # lower-case email domains it vouches for
    email_claim: Mapped[str] = mapped_column(String(30), default="email")
    tenant_id: Mapped[str | None] = mapped_column(String(100))  # the `tid` every ID token must carry
    groups_claim: Mapped[str] = mapped_column(String(50), default="groups")
    required_group: Mapped[str | None] = mapped_column(String(200))  # a groups/roles value every person must have
    # [{"value": "<group id>", "role": one of MAPPED_ROLES, "team_id": int | None}]
    group_mappings: Mapped[list] = mapped_column(JSON, default=list)
    # Entra ID sends no email_verified: trust the address when it is in `domains` (and the tenant matches).
    trust_email: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @property
    def label(self) -> str:
        return f"Sign in with {self.name}"


class SsoIdentity(Base):
    """A person's account at one issuer. Later sign-ins match on (issuer, subject), never on the email."""

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("user_id", "issuer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("sso_providers.id", ondelete="SET NULL"))
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class SsoSignIn(Base):
    """The provider session behind one signed-in browser: for RP-initiated logout (the ID token is its hint)
    and for back-channel logout (the provider names the session by `sid`, or the person by `sub`)."""

    __tablename__ = "sso_sign_ins"

    session_id: Mapped[str] = mapped_column(ForeignKey("user_sessions.id", ondelete="CASCADE"), primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("sso_providers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    sid: Mapped[str | None] = mapped_column(String(255), index=True)
    id_token: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SsoSettings(Base):
    """An organisation's sign-in choices (no row: passwords allowed, no accounts made on first sign-in)."""

    __tablename__ = "sso_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    create_accounts: Mapped[bool] = mapped_column(default=False)
    password_sign_in: Mapped[bool] = mapped_column(default=True, server_default=true())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
