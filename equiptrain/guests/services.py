"""Inviting guests to a workshop. A guest's account opens that workshop's pages and nothing else: the allow-list
and its scope are enforced in `equiptrain.authz` for every request."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from equiptrain import mail
from equiptrain.accounts import tokens
from equiptrain.accounts.models import GuestAccess, Profession, User
from equiptrain.accounts.services import (
    ServiceError,
    create_user,
    find_user_by_email,
    normalise_email,
)
from equiptrain.auditlog.services import log_event
from equiptrain.authz import can, forget_guest_workshops
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.workshops.models import Invitation, Workshop, WorkshopStatus
from equiptrain.workshops.services import itip_attachment, session_subject, when_lines


def invite_guest(
    actor: User,
    workshop: Workshop,
    *,
    name: str,
    email: str,
    role_description: str,
    profession: Profession = Profession.OTHER,
) -> User:
    """Give someone from outside the team a guest place at `workshop` and email them the invitation (with a link
    to set a password when they have none yet). Facilitators of the workshop and its administrators may."""
    if not can(actor, "facilitate", workshop):
        raise ServiceError("Only the workshop's facilitators and administrators can invite guests.")
    if workshop.status is not WorkshopStatus.PUBLISHED:
        raise ServiceError("Publish the workshop before inviting guests: they are sent their invitation at once.")
    if workshop.ends_at <= utcnow():
        raise ServiceError("This workshop has finished, so no one can be invited to it now.")
    name, role_description = (name or "").strip(), (role_description or "").strip()
    if not name or len(name) > 200:
        raise ServiceError("Give the guest's name, in 200 characters or fewer.", "name")
    if not role_description or len(role_description) > 200:
        raise ServiceError(
            "Describe the guest's role in 200 characters or fewer, for example 'GP'.", "role_description"
        )
    user = find_user_by_email(email)
    if user is not None and not user.is_guest:
        raise ServiceError(
            f"{normalise_email(email)} belongs to someone with a staff account. Guests come from "
            "outside the organisation: invite their team to the workshop instead.",
            "email",
        )
    if (
        user is not None
        and db.session.scalar(
            select(GuestAccess.id).where(GuestAccess.user_id == user.id, GuestAccess.workshop_id == workshop.id)
        )
        is not None
    ):
        raise ServiceError(f"{user.name} is already invited to this workshop as a guest.", "email")
    if user is None:
        user = create_user(actor, name=name, email=email, profession=profession, organisation=None)
    db.session.add(
        GuestAccess(user_id=user.id, workshop_id=workshop.id, role_description=role_description, invited_by_id=actor.id)
    )
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.workshop_id == workshop.id, Invitation.user_id == user.id)
    )
    if invitation is None:
        db.session.add(Invitation(workshop_id=workshop.id, user_id=user.id))
    db.session.flush()
    db.session.expire(user, ["is_guest"])  # the role is a column property: read it again from the database
    forget_guest_workshops()  # the per-request list `authz` keeps
    _send_invitation(actor, workshop, user, role_description)
    log_event("workshop.guest_invited", actor, workshop, guest_id=user.id, role=role_description)
    return user


def _send_invitation(actor: User, workshop: Workshop, user: User, role_description: str) -> None:
    page = mail.external_url("workshops.detail", workshop_id=workshop.id)
    if user.has_password:
        how = f"Sign in with your EquipTrain guest account to reply: {page}\n"
    else:
        link = mail.external_url("accounts.set_password", token=tokens.make_token(user, tokens.INVITE))
        days = current_app.config["INVITE_EXPIRY_DAYS"]
        how = (
            f"To reply, set a password for your guest account (the link works once and expires in {days} "
            f"days):\n{link}\n\nThen the workshop page is here: {page}\n"
        )
    text = (
        f"Hello {user.name},\n\n{actor.name} has invited you, as {role_description}, to an EQUIP workshop "
        "on involving service users and carers in care planning.\n\n"
        f"{workshop.title}\nWhen:\n{when_lines(workshop)}\n"
        f"Where: {workshop.place}\n\n{how}\n"
        "Your guest account opens this workshop only: your reply, the calendar entry, check-in on the day, "
        "your brief in a role play and anonymous feedback afterwards.\n"
    )
    # One calendar message per session (RFC 5546: one iTIP message is about one event), each in its own email.
    for session in workshop.sessions:
        mail.send(
            user.email,
            session_subject(workshop, f"Invitation: {workshop.title}", session),
            text,
            attachments=[itip_attachment(workshop, session, "REQUEST", user)],
        )


# -- attendance certificates for guests ------------------------------------------------------------------------------


def attendance_certificate_pdf(user: User, workshop: Workshop, result) -> bytes:
    """A one-page attendance certificate with CPD hours (tagged PDF/UA, as every PDF the platform makes)."""
    from flask import render_template
    from weasyprint import HTML  # slow to import: only when a certificate is drawn

    access = db.session.scalar(
        select(GuestAccess).where(GuestAccess.user_id == user.id, GuestAccess.workshop_id == workshop.id)
    )
    html = render_template(
        "guests/attendance_certificate.html",
        user=user,
        workshop=workshop,
        result=result,
        role=access.role_description if access else None,
        issued_on=utcnow().date(),
    )
    log_event("guest.attendance_certificate", user, workshop, organisation_id=workshop.organisation_id)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
