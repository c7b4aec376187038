"""The rules for people, teams and roles. Each function takes the acting user, changes state and flushes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete, func, or_, select, update

from equiptrain import mail, signals, transaction
from equiptrain.accounts import tokens
from equiptrain.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    Profession,
    Team,
    TeamSetting,
    User,
    UserSession,
)
from equiptrain.accounts.passwords import hash_password, password_problems, rehashed, verify_password
from equiptrain.accounts.roles import kind_value, trainer_role
from equiptrain.accounts.sso_models import SsoSettings
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.jobs import outbox
from equiptrain.jobs.models import OutboxItem


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# -- access (the rules themselves are in policy.py) ---------------------------------------------------------


def administers(user: User, organisation_id: int | None) -> bool:
    return user.is_platform_admin or (
        user.is_org_admin and organisation_id is not None and user.organisation_id == organisation_id
    )


# -- people ------------------------------------------------------------------------------------------------------


def create_organisation(actor: User | None, name: str) -> Organisation:
    name = name.strip()
    # SQLite's lower() folds only ASCII letters: the exact name is compared too, so "ÉCOLE" twice is refused, not
    # a unique-constraint error.
    same = or_(func.lower(Organisation.name) == name.lower(), Organisation.name == name)
    if db.session.scalar(select(Organisation).where(same)):
        raise ServiceError(f"There is already an organisation called {name}. Choose another name.", "name")
    org = Organisation(name=name)
    db.session.add(org)
    db.session.flush()
    log_event("organisation.created", actor, org, organisation_id=org.id, name=name)
    return org


def create_team(actor: User | None, organisation: Organisation, name: str, setting: TeamSetting) -> Team:
    name = name.strip()
    exists = db.session.scalar(
        select(Team).where(
            Team.organisation_id == organisation.id, or_(Team.name == name, func.lower(Team.name) == name.lower())
        )
    )
    if exists:
        raise ServiceError(f"{organisation.name} already has a team called {name}. Choose another name.", "name")
    team = Team(organisation=organisation, name=name, setting=setting)
    db.session.add(team)
    db.session.flush()
    log_event("team.created", actor, team, name=name, setting=setting.value)
    return team


def create_user(
    actor: User | None,
    *,
    name: str,
    email: str,
    profession: Profession,
    organisation: Organisation | None,
    employee_number: str | None = None,
    password: str | None = None,
    is_org_admin: bool = False,
    is_platform_admin: bool = False,
    trainer_kind: object = None,
) -> User:
    """Add a person. Without a password they get one through an invitation."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise ServiceError(
            f"Someone with the email address {email} already has an account. Find them in the people list instead.",
            "email",
        )
    user = User(
        name=name.strip(),
        email=email,
        profession=profession,
        employee_number=(employee_number or "").strip() or None,
        organisation=organisation,
        is_org_admin=is_org_admin,
        is_platform_admin=is_platform_admin,
    )
    if password is not None:
        problems = password_problems(password, email=email, name=name)
        if problems:
            raise ServiceError(problems[0], "password")
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    log_event("user.created", actor, user, email=email)
    if kind_value(trainer_kind) is not None:  # (a TrainerKind or its value; the trainers feature keeps the role)
        trainer_role().set_kind(actor, user, kind_value(trainer_kind))
    return user


def set_membership(actor: User | None, user: User, team: Team, role: MembershipRole | None) -> None:
    """Add, change or (with role None) remove someone's place in a team."""
    current = next((m for m in user.memberships if m.team_id == team.id), None)
    before = current.role.value if current else None
    if role is None:
        if current is not None:
            user.memberships.remove(current)
    elif current is None:
        user.memberships.append(Membership(team=team, role=role))
    else:
        current.role = role
    after = role.value if role else None
    if before != after:
        db.session.flush()
        log_event(
            "role.changed",
            actor,
            user,
            organisation_id=team.organisation_id,
            team=team.name,
            before=before,
            after=after,
        )
        if before is None and role is not None:
            signals.member_joined.send(user, team=team, role=role, actor=actor)


def set_admin_roles(
    actor: User,
    user: User,
    *,
    is_org_admin: bool,
    trainer_kind: object,
    is_platform_admin: bool | None = None,
    is_programme_lead: bool | None = None,
) -> None:
    changes: dict[str, Any] = {}
    if is_programme_lead is not None and user.is_programme_lead != is_programme_lead:
        changes["programme_lead"] = is_programme_lead
        user.is_programme_lead = is_programme_lead
    if user.is_org_admin != is_org_admin:
        if user.id == actor.id and not is_org_admin and not actor.is_platform_admin:
            raise ServiceError(
                "You cannot remove your own administrator role. Ask another administrator.", "is_org_admin"
            )
        changes["org_admin"] = is_org_admin
        user.is_org_admin = is_org_admin
    if is_platform_admin is not None and user.is_platform_admin != is_platform_admin:
        changes["platform_admin"] = is_platform_admin
        user.is_platform_admin = is_platform_admin
    # The trainer role is the trainers feature's (see accounts.roles): it says what it changed, for the audit event.
    role, kind = trainer_role(), kind_value(trainer_kind)
    if role.kind_of(user) != kind:
        changes.update(role.set_kind(actor, user, kind))
    if changes:
        db.session.flush()
        log_event("role.changed", actor, user, **changes)


def update_details(
    actor: User, user: User, *, name: str, email: str, profession: Profession, employee_number: str | None
) -> None:
    email = normalise_email(email)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise ServiceError(f"Someone else already uses {email}. Enter a different address.", "email")
    old_name = user.name
    user.name, user.email, user.profession = name.strip(), email, profession
    user.employee_number = (employee_number or "").strip() or None
    db.session.flush()
    log_event("user.updated", actor, user)
    if user.name != old_name:
        signals.name_changed.send(user, actor=actor, old_name=old_name, new_name=user.name)


def deactivate(actor: User, user: User) -> None:
    if user.id == actor.id:
        raise ServiceError("You cannot deactivate your own account.")
    if not user.is_active:
        raise ServiceError(f"{user.name} is already deactivated.")
    user.deactivated_at = utcnow()
    user.session_nonce = secrets.token_hex(16)  # spends their outstanding links
    end_all_sessions(user)
    log_event("user.deactivated", actor, user)


def reactivate(actor: User, user: User) -> None:
    if user.is_active:
        raise ServiceError(f"{user.name} is already active.")
    user.deactivated_at = None
    log_event("user.reactivated", actor, user)


# -- signing in, invitations and passwords -------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an active account; every failure looks the same.

    The hash check is slow by design, so it runs holding neither a transaction nor a pooled connection: the
    account is read in a short read transaction, that transaction ends, the hash is checked, and only then does
    a short write transaction record the outcome (SQLite's write lock is never held while hashing)."""
    transaction.reads_first()
    row = db.session.execute(select(User.id, User.password_hash).where(User.email == normalise_email(email))).first()
    transaction.end_transaction()
    ok = verify_password(row.password_hash if row else None, password)
    # A hash made at an older cost is replaced, hashed here outside the write transaction like the check.
    new_hash = rehashed(row.password_hash, password) if ok and row and row.password_hash else None
    transaction.writes_now()
    user = db.session.get(User, row.id) if row else None
    if not ok or user is None or not user.is_active:
        log_event("sign_in.failed", None, user, email=normalise_email(email)[:254])
        return None
    if new_hash is not None and row is not None and user.password_hash == row.password_hash:  # unchanged meanwhile
        user.password_hash = new_hash
    user.last_sign_in_at = utcnow()
    log_event("sign_in", user, user)
    return user


# -- sessions: one row per signed-in browser ----------------------------------------------------------------------

# A session's last-seen time is refreshed by a writing request at most this often (never by a page view).
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=15)


def session_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, remember: bool = False) -> str:
    """Record a new signed-in browser for `user`; returns the token its cookie carries (also on user).
    `remember`: kept for REMEMBER_DAYS whatever the idle time ("keep me signed in")."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=session_digest(token), user_id=user.id, remember=remember))
    user.session_token = token
    return token


def end_session(token: str) -> None:
    """Sign one browser out, on every app server."""
    db.session.execute(delete(UserSession).where(UserSession.id == session_digest(token)))


def end_all_sessions(user: User) -> int:
    """Sign `user` out everywhere; returns how many sessions ended."""
    result = cast(CursorResult, db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)))
    return result.rowcount or 0


def sign_out_everywhere(user: User) -> int:
    ended = end_all_sessions(user)
    log_event("sign_out.everywhere", user, user, sessions=ended)
    return ended


# A page view (which never writes itself) notes the session in use by a job, at most this often.
VIEW_SEEN_RESOLUTION = dt.timedelta(hours=1)


def session_expired(last_seen_at: dt.datetime, remember: bool, created_at: dt.datetime) -> bool:
    """Idle for SESSION_IDLE_HOURS (the last-seen time is an hour coarse at most), or, for a remembered
    session, REMEMBER_DAYS after sign-in."""
    now = utcnow()
    if remember:
        return now - created_at > dt.timedelta(days=int(current_app.config["REMEMBER_DAYS"]))
    return now - last_seen_at > dt.timedelta(hours=float(current_app.config["SESSION_IDLE_HOURS"]))


def seen_long_ago(last_seen_at: dt.datetime) -> bool:
    return utcnow() - last_seen_at >= VIEW_SEEN_RESOLUTION


def touch_session_digest(digest: str) -> None:
    """The job a page view queues: note its session in use now."""
    db.session.execute(update(UserSession).where(UserSession.id == digest).values(last_seen_at=utcnow()))


def touch_session(token: str, last_seen_at: dt.datetime) -> None:
    """Note that a session is in use (called by writing requests; coarse, so it costs nearly nothing)."""
    now = utcnow()
    if now - last_seen_at >= LAST_SEEN_RESOLUTION:
        db.session.execute(update(UserSession).where(UserSession.id == session_digest(token)).values(last_seen_at=now))


def invite(actor: User | None, user: User) -> None:
    """Email a one-time link to set a password (or, where the organisation signs in only with single sign-on,
    tell them to sign in with their NHS account)."""
    settings = db.session.get(SsoSettings, user.organisation_id) if user.organisation_id else None
    if settings is not None and not settings.password_sign_in and not user.is_platform_admin:
        inviter = actor.name if actor else "Your training administrator"
        mail.send(
            user.email,
            "You are invited to EquipTrain",
            f"Hello {user.name},\n\n{inviter} has invited you to EquipTrain, the EQUIP training programme on "
            "involving service users and carers in care planning.\n\nThere is no password to set: sign in with "
            f"your NHS account, using the sign-in button for your organisation here:\n"
            f"{mail.external_url('accounts.sign_in')}\n\nIf you were not expecting this, you can ignore it.\n",
        )
        log_event("user.invited", actor, user, email=user.email, single_sign_on=True)
        return
    if user.has_password:
        raise ServiceError(f"{user.name} has already set a password. They can reset it from the sign-in page.")
    link = mail.external_url("accounts.set_password", token=tokens.make_token(user, tokens.INVITE))
    days = current_app.config["INVITE_EXPIRY_DAYS"]
    inviter = actor.name if actor else "Your training administrator"
    mail.send(
        user.email,
        "You are invited to EquipTrain",
        f"Hello {user.name},\n\n{inviter} has invited you to EquipTrain, the EQUIP training programme on "
        f"involving service users and carers in care planning.\n\nSet your password here (the link works "
        f"once and expires in {days} days):\n{link}\n\nIf you were not expecting this, you can ignore it.\n",
    )
    log_event("user.invited", actor, user, email=user.email)


RESET_KIND = "password_reset"


def queue_password_reset(email: str, *, ip_address: str | None = None) -> None:
    """The request's only write, the same for every address submitted (known, unknown or deactivated): one
    outbox row of kind "password_reset", in the request's transaction. Its deliverer (`deliver_password_reset`)
    looks the address up after commit, so neither the answer, its timing nor the rows written tell whether an
    account exists; the row is retried and swept like every delivery, so a reset survives a consumer killed
    mid-job."""
    transaction.add_to_outbox(
        OutboxItem(
            kind=RESET_KIND,
            category="password_reset_request",
            recipient="",  # the typed address stays in the payload only: no list of jobs shows who asked
            payload={"email": normalise_email(email)[:254], "ip_address": ip_address},
        )
    )


def deliver_password_reset(item: OutboxItem) -> None:
    """Resolve one reset request: the reset email (written to the outbox in this same job's transaction, so the
    request row is marked done together with it), or nothing for an unknown or deactivated address. The address
    is not kept once resolved."""
    payload = dict(item.payload or {})
    request_password_reset(str(payload.get("email", "")), ip_address=payload.get("ip_address"))
    item.payload, item.recipient = {}, ""


def request_password_reset(email: str, *, ip_address: str | None = None) -> None:
    """Send a reset link if an active account exists; say nothing either way. Run by the outbox after the request
    (the page answers first), so `ip_address` is the requester's, passed on for the audit log."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        log_event(
            "password.reset_requested_unknown", None, None, email=normalise_email(email)[:254], ip_address=ip_address
        )
        return
    settings = db.session.get(SsoSettings, user.organisation_id) if user.organisation_id else None
    if settings is not None and not settings.password_sign_in and not user.is_platform_admin:
        mail.send(
            user.email,
            "Signing in to EquipTrain",
            f"Hello {user.name},\n\nSomeone asked to reset the password for this account. Your organisation signs "
            "in to EquipTrain with your NHS account, so there is no password to reset: use the sign-in button for "
            f"your organisation here:\n{mail.external_url('accounts.sign_in')}\n\nIf it was not you, ignore this "
            "email.\n",
        )
        log_event("password.reset_requested", None, user, ip_address=ip_address, single_sign_on=True)
        return
    link = mail.external_url("accounts.set_password", token=tokens.make_token(user, tokens.RESET), reset=1)
    hours = current_app.config["RESET_EXPIRY_HOURS"]
    mail.send(
        user.email,
        "Reset your EquipTrain password",
        f"Hello {user.name},\n\nSomeone asked to reset the password for this account. To choose a new "
        f"password, open this link (it works once and expires in {hours} hours):\n{link}\n\nIf it was "
        "not you, ignore this email: your password has not changed.\n",
    )
    log_event("password.reset_requested", None, user, ip_address=ip_address)


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    """Set a new password and end every existing session of this user."""
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise ServiceError(problems[0], "password")
    user.password_hash = hash_password(password)
    user.session_nonce = secrets.token_hex(16)  # spends outstanding links
    end_all_sessions(user)  # the caller starts a new session for the browser that changed it
    log_event("password.changed", actor or user, user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ServiceError("Your current password is not right. Enter it again.", "current_password")
    set_password(user, new_password)


outbox.register_kind(RESET_KIND, deliver_password_reset)
