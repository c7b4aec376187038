"""Single sign-on rules: an organisation's providers and sign-in settings, and who a verified sign-in is
(matched by issuer and subject, linked by a verified email, created on first sign-in, or refused, audited)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select

from equiptrain.accounts import services
from equiptrain.accounts.models import MembershipRole, Organisation, Profession, Team, User, UserSession
from equiptrain.accounts.sso_models import (
    CLIENT_AUTH_METHODS,
    EMAIL_CLAIMS,
    MAPPED_ROLES,
    SsoIdentity,
    SsoProvider,
    SsoSettings,
    SsoSignIn,
)
from equiptrain.accounts.sso_oidc import SsoFailure, end_session_url
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db

# Domains every NHSmail user shares: on their own they say nothing about which trust someone works for.
SHARED_TENANT_DOMAINS = frozenset({"nhs.net"})
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ENTRA_SHARED = re.compile(r"^https://login\.microsoftonline\.com/(common|organizations|consumers)(/|$)", re.I)


# -- providers -----------------------------------------------------------------------------------------------


@dataclass
class ProviderFields:
    name: str
    issuer: str
    client_id: str
    domains: list[str]
    auth_method: str = "client_secret_basic"
    client_secret: str | None = None  # None or "": keep the one saved (when editing)
    key_file: str | None = None  # set by the caller once the key is saved in the instance folder
    email_claim: str = "email"
    tenant_id: str | None = None
    groups_claim: str = "groups"
    required_group: str | None = None
    group_mappings: list[dict] = field(default_factory=list)
    trust_email: bool = False


def parse_domains(text: str) -> list[str]:
    """`a.nhs.uk, b.nhs.uk` (commas, spaces or lines) as a list of lower-case domains; refuses a bad one."""
    domains = []
    for part in re.split(r"[\s,;]+", (text or "").strip().lower()):
        part = part.lstrip("@")
        if not part:
            continue
        if not _DOMAIN.match(part):
            raise ServiceError(f"{part[:60]} is not an email domain. Enter domains like trust.nhs.uk.", "domains")
        if part not in domains:
            domains.append(part)
    if not domains:
        raise ServiceError("Enter at least one email domain the provider vouches for, like trust.nhs.uk.", "domains")
    return domains


def parse_mappings(text: str, org: Organisation) -> list[dict]:
    """Lines of `<claim value> = <role>` or `<claim value> = <member|manager>: <team name>`."""
    teams = {t.name.lower(): t for t in org.teams}
    mappings = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        value, sep, rest = line.partition("=")
        role, _colon, team_name = rest.partition(":")
        value, role, team_name = value.strip(), role.strip().lower().replace(" ", "_"), team_name.strip()
        if not sep or not value:
            raise ServiceError(f"Line {number}: write it as <group> = <role>, or <group> = member: <team>.", "mappings")
        if role not in MAPPED_ROLES:
            raise ServiceError(f"Line {number}: the role must be one of {', '.join(MAPPED_ROLES)}.", "mappings")
        team = None
        if role in ("member", "manager"):
            team = teams.get(team_name.lower())
            if team is None:
                raise ServiceError(f"Line {number}: {org.name} has no team called {team_name or '(none)'}.", "mappings")
        mappings.append({"value": value[:200], "role": role, "team_id": team.id if team else None})
    return mappings


def mappings_text(provider: SsoProvider, org: Organisation) -> str:
    names = {t.id: t.name for t in org.teams}
    lines = []
    for m in provider.group_mappings or []:
        team = f": {names.get(m.get('team_id'), '?')}" if m.get("team_id") else ""
        lines.append(f"{m['value']} = {m['role']}{team}")
    return "\n".join(lines)


def _check_fields(org: Organisation, fields: ProviderFields, existing: SsoProvider | None) -> None:
    fields.name, fields.issuer, fields.client_id = fields.name.strip(), fields.issuer.strip(), fields.client_id.strip()
    fields.tenant_id = (fields.tenant_id or "").strip() or None
    fields.required_group = (fields.required_group or "").strip() or None
    if not fields.name:
        raise ServiceError("Enter the name people will see on the button, like NHSmail.", "name")
    issuer = urlsplit(fields.issuer)
    local = issuer.hostname in ("127.0.0.1", "localhost")
    if issuer.scheme != "https" and not (issuer.scheme == "http" and local) or not issuer.hostname:
        raise ServiceError("Enter the issuer as an https:// address, exactly as the provider gives it.", "issuer")
    if issuer.query or issuer.fragment:
        raise ServiceError(
            "The issuer address has no ? or # part. Enter it exactly as the provider gives it.", "issuer"
        )
    if _ENTRA_SHARED.match(fields.issuer):
        raise ServiceError(
            "Use your tenant's own issuer (https://login.microsoftonline.com/<tenant id>/v2.0), never the common "
            "or organizations address: those admit anyone with a Microsoft account.",
            "issuer",
        )
    if not fields.client_id:
        raise ServiceError("Enter the client ID the provider gave you when you registered EquipTrain.", "client_id")
    if fields.auth_method not in CLIENT_AUTH_METHODS:
        raise ServiceError("Choose how EquipTrain proves who it is to the provider.", "auth_method")
    if fields.auth_method == "private_key_jwt":
        if not (fields.key_file or (existing and existing.key_file)):
            raise ServiceError("Give the private key (or ask for a new one) for private_key_jwt.", "private_key")
    elif not (fields.client_secret or (existing and existing.client_secret)):
        raise ServiceError("Enter the client secret the provider gave you.", "client_secret")
    if fields.email_claim not in EMAIL_CLAIMS:
        raise ServiceError(f"The email claim must be one of {', '.join(EMAIL_CLAIMS)}.", "email_claim")
    shared = sorted(set(fields.domains) & SHARED_TENANT_DOMAINS)
    if shared and not (fields.tenant_id or fields.required_group):
        raise ServiceError(
            f"{shared[0]} is shared by every NHSmail user in England. Add your tenant ID or a group every member "
            "of your staff has, so people from other organisations cannot sign in here.",
            "domains",
        )
    clash = db.session.scalar(
        select(SsoProvider).where(SsoProvider.organisation_id == org.id, SsoProvider.name == fields.name)
    )
    if clash is not None and clash is not existing:
        raise ServiceError(f"{org.name} already has a provider called {fields.name}. Choose another name.", "name")


def add_provider(actor: User | None, org: Organisation, fields: ProviderFields) -> SsoProvider:
    _check_fields(org, fields, None)
    provider = SsoProvider(
        organisation_id=org.id,
        name=fields.name,
        issuer=fields.issuer,
        client_id=fields.client_id,
        auth_method=fields.auth_method,
        client_secret=fields.client_secret if fields.auth_method != "private_key_jwt" else None,
        key_file=fields.key_file if fields.auth_method == "private_key_jwt" else None,
        domains=fields.domains,
        email_claim=fields.email_claim,
        tenant_id=fields.tenant_id,
        groups_claim=fields.groups_claim.strip() or "groups",
        required_group=fields.required_group,
        group_mappings=fields.group_mappings,
        trust_email=fields.trust_email,
    )
    db.session.add(provider)
    db.session.flush()
    log_event("sso.provider_added", actor, provider, **_audit_fields(provider))
    return provider


def update_provider(actor: User | None, provider: SsoProvider, fields: ProviderFields) -> list[str]:
    """Save changes (a blank secret or key keeps the saved one); returns key files no longer used, to delete
    once the change is committed."""
    _check_fields(provider.organisation, fields, provider)
    unused = []
    provider.name, provider.issuer, provider.client_id = fields.name, fields.issuer, fields.client_id
    provider.auth_method = fields.auth_method
    if fields.auth_method == "private_key_jwt":
        provider.client_secret = None
        if fields.key_file:
            if provider.key_file:
                unused.append(provider.key_file)
            provider.key_file = fields.key_file
    else:
        if fields.client_secret:
            provider.client_secret = fields.client_secret
        if provider.key_file:
            unused.append(provider.key_file)
            provider.key_file = None
    provider.domains, provider.email_claim = fields.domains, fields.email_claim
    provider.tenant_id, provider.required_group = fields.tenant_id, fields.required_group
    provider.groups_claim = fields.groups_claim.strip() or "groups"
    provider.group_mappings, provider.trust_email = fields.group_mappings, fields.trust_email
    db.session.flush()
    log_event("sso.provider_updated", actor, provider, **_audit_fields(provider))
    return unused


def remove_provider(actor: User | None, provider: SsoProvider) -> str | None:
    """Remove a provider (its sign-ins end with it; people keep their accounts). Returns its key file."""
    key_file = provider.key_file
    session_ids = select(SsoSignIn.session_id).where(SsoSignIn.provider_id == provider.id)
    db.session.execute(delete(UserSession).where(UserSession.id.in_(session_ids)))
    db.session.execute(delete(SsoSignIn).where(SsoSignIn.provider_id == provider.id))
    log_event("sso.provider_removed", actor, provider, organisation_id=provider.organisation_id, name=provider.name)
    db.session.delete(provider)
    db.session.flush()
    return key_file


def _audit_fields(provider: SsoProvider) -> dict:
    # Never the secret or the key: only what they are.
    return {
        "name": provider.name,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "auth_method": provider.auth_method,
        "domains": provider.domains,
        "tenant_id": provider.tenant_id,
        "required_group": provider.required_group,
    }


def providers_of(org: Organisation) -> list[SsoProvider]:
    return list(
        db.session.scalars(select(SsoProvider).where(SsoProvider.organisation_id == org.id).order_by(SsoProvider.name))
    )


def all_providers() -> list[SsoProvider]:
    return list(db.session.scalars(select(SsoProvider).order_by(SsoProvider.name, SsoProvider.id)))


def email_domain(email: str) -> str:
    return services.normalise_email(email).rpartition("@")[2]


def provider_for_email(email: str) -> SsoProvider | None:
    """The provider that vouches for this address's domain (the first, by name, if several do)."""
    domain = email_domain(email)
    if not domain:
        return None
    for provider in all_providers():
        if domain in (provider.domains or []):
            return provider
    return None


# -- the organisation's sign-in settings ---------------------------------------------------------------------


def settings_for(org_id: int | None) -> SsoSettings:
    found = db.session.get(SsoSettings, org_id) if org_id is not None else None
    return found or SsoSettings(organisation_id=org_id, create_accounts=False, password_sign_in=True)


def set_settings(actor: User | None, org: Organisation, *, create_accounts: bool, password_sign_in: bool) -> None:
    settings = db.session.get(SsoSettings, org.id)
    if settings is None:
        settings = SsoSettings(organisation_id=org.id, create_accounts=False, password_sign_in=True)
        db.session.add(settings)
    if not password_sign_in and not providers_of(org):
        raise ServiceError(
            "Add a single sign-on provider before turning password sign-in off, or nobody could sign in.",
            "password_sign_in",
        )
    changes: dict[str, Any] = {}
    if settings.create_accounts != create_accounts:
        changes["create_accounts"] = settings.create_accounts = create_accounts
    if settings.password_sign_in != password_sign_in:
        changes["password_sign_in"] = settings.password_sign_in = password_sign_in
    if changes:
        settings.updated_at = utcnow()
        db.session.flush()
        log_event("sso.settings_changed", actor, org, organisation_id=org.id, **changes)


def password_allowed(user: User) -> bool:
    """Platform administrators always keep a password (break-glass access); others unless their organisation
    signs in only with its NHS account."""
    return user.is_platform_admin or settings_for(user.organisation_id).password_sign_in


# -- who a sign-in is ------------------------------------------------------------------------------------------


def refuse(provider: SsoProvider | None, failure: SsoFailure, *, user: User | None = None, email: str = "") -> None:
    log_event(
        "sso.refused",
        None,
        user,
        organisation_id=provider.organisation_id if provider else None,
        provider=provider.name if provider else None,
        reason=failure.reason,
        detail=failure.detail[:200],
        email=email[:254],
    )


def _claim_values(claims: dict, name: str) -> list[str]:
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def vouched_email(provider: SsoProvider, claims: dict) -> str:
    """The email the provider vouches for, once the tenant, group, domain and verification rules hold."""
    if provider.tenant_id and claims.get("tid") != provider.tenant_id:
        raise SsoFailure(
            "tenant",
            f"Your account is not in the organisation {provider.name} is set up for.",
            advice=f"Sign in with your {provider.organisation.name} account, or ask your training administrator.",
            detail=str(claims.get("tid"))[:100],
        )
    groups = _claim_values(claims, provider.groups_claim)
    if provider.required_group and provider.required_group not in groups:
        raise SsoFailure(
            "group",
            f"Your account is not in the group {provider.organisation.name} uses for EquipTrain.",
            advice="Ask your training administrator or IT service desk to add you to it.",
        )
    email = services.normalise_email(str(claims.get(provider.email_claim) or ""))
    if "@" not in email or len(email) > 254:
        raise SsoFailure(
            "email_missing",
            f"{provider.name} did not tell EquipTrain your email address.",
            advice="Ask your IT service desk to check your account has an email address.",
        )
    if email_domain(email) not in (provider.domains or []):
        raise SsoFailure(
            "domain",
            f"{provider.name} cannot vouch for addresses ending {email_domain(email)[:100]} here.",
            advice=f"Sign in with your {provider.organisation.name} email account, or ask your training administrator.",
            detail=email_domain(email)[:100],
        )
    verified = claims.get("email_verified")
    if not (verified is True or verified == "true" or provider.trust_email):
        raise SsoFailure(
            "email_unverified",
            f"{provider.name} has not confirmed that {email} is your address.",
            advice="Confirm your email address with your provider, then sign in again.",
        )
    return email


def _display_name(claims: dict, email: str) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return (name or email.partition("@")[0]).strip()[:200]


def who_to_ask(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == org_id, User.is_org_admin.is_(True), User.deactivated_at.is_(None))
            .order_by(User.name)
            .limit(3)
        )
    )


def resolve(provider: SsoProvider, claims: dict) -> User:
    """The person this verified sign-in is: matched by (issuer, sub), else linked by email, else created (if
    the organisation allows it). Refusals raise SsoFailure; the caller audits them."""
    subject = claims["sub"]
    identity = db.session.scalar(
        select(SsoIdentity).where(SsoIdentity.issuer == provider.issuer, SsoIdentity.subject == subject)
    )
    if identity is not None:
        user = identity.user
        vouched_email(provider, claims)  # the tenant and group rules hold on every sign-in, not only the first
        _check_user(provider, user)
        identity.last_used_at = utcnow()
        return user
    email = vouched_email(provider, claims)
    found = services.find_user_by_email(email)
    if found is not None:
        user = found
        _check_user(provider, user)
        other = db.session.scalar(
            select(SsoIdentity).where(SsoIdentity.user_id == user.id, SsoIdentity.issuer == provider.issuer)
        )
        if other is not None:
            raise SsoFailure(
                "linked_elsewhere",
                f"{email} is already linked to a different {provider.name} account.",
                advice="Sign in with the account you used before, or ask your training administrator to check it.",
            )
        _link(provider, user, subject)
        log_event("sso.linked", user, user, provider=provider.name, issuer=provider.issuer)
        return user
    if not settings_for(provider.organisation_id).create_accounts:
        raise SsoFailure(
            "no_account",
            f"There is no EquipTrain account for {email} yet.",
            advice="ask",
        )
    user = services.create_user(
        None,
        name=_display_name(claims, email),
        email=email,
        profession=Profession.OTHER,
        organisation=provider.organisation,
    )
    _link(provider, user, subject)
    log_event("sso.account_created", None, user, provider=provider.name, email=email)
    return user


def _check_user(provider: SsoProvider, user: User) -> None:
    if user.organisation_id != provider.organisation_id:
        raise SsoFailure(
            "other_organisation",
            f"Your EquipTrain account belongs to another organisation, not {provider.organisation.name}.",
            advice="Use your own organisation's sign-in button, or ask your training administrator.",
        )
    if not user.is_active:
        raise SsoFailure(
            "deactivated",
            "Your EquipTrain account has been deactivated.",
            advice="Ask your training administrator if you think this is a mistake.",
        )


def _link(provider: SsoProvider, user: User, subject: str) -> None:
    db.session.add(
        SsoIdentity(
            user_id=user.id, provider_id=provider.id, issuer=provider.issuer, subject=subject, last_used_at=utcnow()
        )
    )
    db.session.flush()


def apply_mappings(provider: SsoProvider, user: User, claims: dict) -> None:
    """Grant what the person's groups map to (additive: a sign-in never takes a role away)."""
    groups = set(_claim_values(claims, provider.groups_claim))
    for mapping in provider.group_mappings or []:
        if mapping.get("value") not in groups:
            continue
        role = mapping.get("role")
        if role in ("member", "manager") and mapping.get("team_id"):
            team = db.session.get(Team, mapping["team_id"])
            if team is None or team.organisation_id != user.organisation_id:
                continue
            current = next((m for m in user.memberships if m.team_id == team.id), None)
            if current is None or (role == "manager" and current.role is MembershipRole.MEMBER):
                services.set_membership(None, user, team, MembershipRole(role))
        elif role == "org_admin" and not user.is_org_admin:
            user.is_org_admin = True
            log_event("role.changed", None, user, org_admin=True, via=provider.name)
        elif role == "programme_lead" and not user.is_programme_lead:
            user.is_programme_lead = True
            log_event("role.changed", None, user, programme_lead=True, via=provider.name)


def signed_in(provider: SsoProvider, user: User, claims: dict, id_token: str, session_token: str) -> None:
    """Note the provider session behind this browser's session row, and audit the sign-in."""
    user.last_sign_in_at = utcnow()
    db.session.add(
        SsoSignIn(
            session_id=services.session_digest(session_token),
            provider_id=provider.id,
            user_id=user.id,
            subject=claims["sub"],
            sid=claims.get("sid") if isinstance(claims.get("sid"), str) else None,
            id_token=id_token,
        )
    )
    log_event("sign_in.sso", user, user, provider=provider.name)


def sign_in_behind(session_token: str) -> SsoSignIn | None:
    return db.session.get(SsoSignIn, services.session_digest(session_token))


def backchannel_logout(provider: SsoProvider, claims: dict) -> int:
    """End the sessions a verified logout token names (by `sid`, else every one of the person's from this
    provider); returns how many ended."""
    stmt = select(SsoSignIn).where(SsoSignIn.provider_id == provider.id)
    if isinstance(claims.get("sid"), str):
        stmt = stmt.where(SsoSignIn.sid == claims["sid"])
    if isinstance(claims.get("sub"), str):
        stmt = stmt.where(SsoSignIn.subject == claims["sub"])
    rows = list(db.session.scalars(stmt))
    ids = [r.session_id for r in rows]
    if ids:
        db.session.execute(delete(UserSession).where(UserSession.id.in_(ids)))
    user_id = rows[0].user_id if rows else None
    log_event(
        "sso.backchannel_logout",
        None,
        db.session.get(User, user_id) if user_id else None,
        organisation_id=provider.organisation_id,
        provider=provider.name,
        sessions=len(ids),
    )
    return len(ids)


def provider_logout_url(session_token: str) -> str | None:
    """Where signing out sends the browser when this session came from a provider with an end_session_endpoint
    (RP-initiated logout); audited. None for a password session."""
    row = sign_in_behind(session_token)
    if row is None:
        return None
    provider = db.session.get(SsoProvider, row.provider_id)
    if provider is None:
        return None
    signed_out = current_app.config["PUBLIC_URL"].rstrip("/") + "/sign-in/sso/signed-out"
    url = end_session_url(provider, row.id_token, signed_out)
    log_event(
        "sign_out.sso", None, db.session.get(User, row.user_id), provider=provider.name, provider_logout=bool(url)
    )
    return url


def links_of(user: User) -> list[tuple[SsoIdentity, str | None]]:
    """The person's linked provider accounts, with the provider's name where it still exists."""
    stmt = (
        select(SsoIdentity, SsoProvider.name)
        .outerjoin(SsoProvider, SsoProvider.id == SsoIdentity.provider_id)
        .where(SsoIdentity.user_id == user.id)
        .order_by(SsoIdentity.created_at)
    )
    return [(identity, name) for identity, name in db.session.execute(stmt).all()]


def unlink(actor: User, user: User, identity: SsoIdentity) -> None:
    """Remove a link (the person's next sign-in with that provider links again, by verified email)."""
    if identity.user_id != user.id:
        raise ServiceError("That link belongs to someone else.")
    log_event("sso.unlinked", actor, user, issuer=identity.issuer)
    db.session.delete(identity)
    db.session.flush()
