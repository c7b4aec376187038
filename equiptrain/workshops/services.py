"""Workshop rules: scheduling, the co-delivery rule and its override, invitations and the waiting list, calendar
files and feeds, trainers' prepared modules. The register, feedback and trainer support are in `attendance.py`;
live role play in `roleplay.py`."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import delete, func, select

from equiptrain import mail, signals
from equiptrain.accounts.models import Membership, Organisation, Team, TrainerProfile, User
from equiptrain.accounts.services import ServiceError, administers
from equiptrain.audit.services import record
from equiptrain.authz import policy
from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.workshops.models import (CalendarFeed, CoDeliveryOverride, Facilitator, Invitation, Reply,
                                         TrainerModule, Workshop, WorkshopKind, WorkshopStatus)

# -- access ------------------------------------------------------------------------------------------------------


def is_facilitator(user: User, workshop: Workshop) -> bool:
    return user.id in workshop.facilitator_ids


def invited(user: User, workshop: Workshop) -> bool:
    return bool(user.team_ids & {t.id for t in workshop.teams})


@policy(Workshop)
def workshop_policy(user: User, action: str, workshop: Workshop) -> bool:
    """manage: the organisation's admins; facilitate: its facilitators (and admins); view/take_part: invited
    team members once it is published."""
    admin = administers(user, workshop.organisation_id)
    if action == "manage":
        return admin
    if action == "facilitate":
        return admin or is_facilitator(user, workshop)
    if action == "view":
        return admin or is_facilitator(user, workshop) or (workshop.status is not WorkshopStatus.DRAFT
                                                             and invited(user, workshop))
    if action == "take_part":
        return workshop.is_published and invited(user, workshop)
    return False


# -- scheduling --------------------------------------------------------------------------------------------------

def _check_times(starts_at: dt.datetime, ends_at: dt.datetime, capacity: int) -> None:
    if ends_at <= starts_at:
        raise ServiceError("The workshop must end after it starts. Check the end time.", "ends_at")
    if capacity < 1:
        raise ServiceError("Capacity must be at least 1 place.", "capacity")


def unprepared(facilitators: list[User], modules: list[Module]) -> list[tuple[User, Module]]:
    """(trainer, module) pairs where the trainer is not recorded as prepared to deliver the module."""
    profile_ids = [u.trainer_profile.id for u in facilitators if u.trainer_profile]
    prepared = set(db.session.execute(
        select(TrainerModule.trainer_profile_id, TrainerModule.module_id)
        .where(TrainerModule.trainer_profile_id.in_(profile_ids))).all()) if profile_ids else set()
    return [(u, m) for u in facilitators for m in modules
            if not u.trainer_profile or (u.trainer_profile.id, m.id) not in prepared]


def save_workshop(actor: User, workshop: Workshop | None, *, organisation: Organisation, title: str,
                  kind: WorkshopKind, starts_at: dt.datetime, ends_at: dt.datetime, room: str | None,
                  online_url: str | None, capacity: int, modules: list[Module], teams: list[Team],
                  facilitators: list[User], follow_up_of: Workshop | None = None) -> Workshop:
    """Create or change a workshop. Changes to a published workshop are sent to everyone invited."""
    _check_times(starts_at, ends_at, capacity)
    if not (room or online_url):
        raise ServiceError("Give a room or an online link, so people know where to go.", "room")
    if any(t.organisation_id != organisation.id for t in teams):
        raise ServiceError("Invite only teams from this organisation.", "teams")
    if any(not u.is_trainer for u in facilitators):
        raise ServiceError("Facilitators must be trainers. Give the person a trainer role first.", "facilitators")
    if kind is not WorkshopKind.CORE and follow_up_of is None:
        raise ServiceError("A follow-up must say which workshop it follows. Choose the first workshop.",
                           "follow_up_of")
    creating = workshop is None
    if creating:
        workshop = Workshop(organisation=organisation, created_by_id=actor.id)
        db.session.add(workshop)
    was = (workshop.starts_at, workshop.ends_at, workshop.room, workshop.online_url) if not creating else None
    workshop.title, workshop.kind = title.strip(), kind
    workshop.starts_at, workshop.ends_at, workshop.capacity = starts_at, ends_at, capacity
    workshop.room, workshop.online_url = (room or None), (online_url or None)
    workshop.follow_up_of = follow_up_of if kind is not WorkshopKind.CORE else None
    workshop.modules, workshop.teams = list(modules), list(teams)
    wanted = {u.id for u in facilitators}
    workshop.facilitators = [f for f in workshop.facilitators if f.user_id in wanted] + [
        Facilitator(user=u) for u in facilitators if u.id not in workshop.facilitator_ids]
    db.session.flush()
    record("workshop.created" if creating else "workshop.changed", actor, workshop)
    if workshop.is_published:
        _invite_members(workshop)
        _promote_waiting(workshop)
        if was != (starts_at, ends_at, workshop.room, workshop.online_url):
            workshop.sequence += 1
            _mail_everyone(workshop, f"Changed: {workshop.title}",
                           "The time or place of this workshop has changed.")
    return workshop


def co_delivery_missing(workshop: Workshop) -> list[str]:
    """What the facilitators lack for co-delivery: a lived-experience trainer and/or a professional trainer."""
    kinds = [f.user.trainer_profile.kind for f in workshop.facilitators if f.user.trainer_profile]
    missing = []
    if not any(k.lived_experience for k in kinds):
        missing.append("a lived-experience trainer (service user or carer)")
    if not any(not k.lived_experience for k in kinds):
        missing.append("a professional trainer")
    return missing


def publish(actor: User, workshop: Workshop, override_reason: str | None = None) -> None:
    """Publish and send the invitations. Without the co-delivery pair an admin must give a written reason."""
    if workshop.status is not WorkshopStatus.DRAFT:
        raise ServiceError("This workshop is already published.")
    missing = co_delivery_missing(workshop)
    reason = (override_reason or "").strip()
    if missing and not reason:
        raise ServiceError(f"A workshop is co-delivered: add {' and '.join(missing)} as a facilitator, or give "
                           "a written reason to publish without.", "override_reason")
    if missing:
        db.session.add(CoDeliveryOverride(workshop=workshop, reason=reason, missing="; ".join(missing),
                                          by_id=actor.id))
        record("workshop.co_delivery_override", actor, workshop, reason=reason, missing=missing)
    workshop.status, workshop.published_at = WorkshopStatus.PUBLISHED, utcnow()
    db.session.flush()
    record("workshop.published", actor, workshop)
    _invite_members(workshop)


@signals.trainer_role_removed.connect
def forget_prepared_modules(user: User, *, profile_id: int) -> int:
    """The trainer role was removed: the modules that trainer was prepared to deliver go with it."""
    return db.session.execute(delete(TrainerModule).where(TrainerModule.trainer_profile_id == profile_id)).rowcount


def set_prepared_modules(actor: User, profile: TrainerProfile, modules: list[Module]) -> None:
    """Record the modules a trainer is prepared to deliver."""
    db.session.execute(delete(TrainerModule).where(TrainerModule.trainer_profile_id == profile.id))
    for m in modules:
        db.session.add(TrainerModule(trainer_profile_id=profile.id, module_id=m.id))
    db.session.flush()
    record("trainer.prepared_modules", actor, profile.user, modules=[m.slug for m in modules])


# -- invitations and the waiting list ----------------------------------------------------------------------------

def _invite_members(workshop: Workshop) -> None:
    """Invite every active member (managers included) of the invited teams who is not invited yet."""
    have = {i.user_id for i in workshop.invitations}
    people = db.session.scalars(
        select(User).join(Membership).where(Membership.team_id.in_([t.id for t in workshop.teams]),
                                            User.deactivated_at.is_(None)).distinct()).all()
    for user in people:
        if user.id in have:
            continue
        workshop.invitations.append(Invitation(user=user))
        _mail(workshop, user, f"Invitation: {workshop.title}",
              "Your team is invited to this EQUIP workshop. Reply on the workshop page.")
    db.session.flush()


def attending_count(workshop: Workshop) -> int:
    return db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.workshop_id == workshop.id, Invitation.reply == Reply.ATTENDING))


def reply(user: User, workshop: Workshop, attending: bool) -> Invitation:
    """Reply to an invitation; past capacity the person joins the waiting list."""
    if not workshop.is_published:
        raise ServiceError("This workshop is not open for replies.")
    if workshop.starts_at <= utcnow():
        raise ServiceError("This workshop has started, so replies are closed. Speak to a facilitator.")
    invitation = db.session.scalar(select(Invitation).where(Invitation.workshop_id == workshop.id,
                                                            Invitation.user_id == user.id))
    if invitation is None:
        raise ServiceError("You are not invited to this workshop. Ask your team manager.")
    before = invitation.reply
    invitation.replied_at = utcnow()
    if not attending:
        invitation.reply, invitation.waiting_since = Reply.NOT_ATTENDING, None
        db.session.flush()
        if before is Reply.ATTENDING:
            _promote_waiting(workshop)
        return invitation
    if before in (Reply.ATTENDING, Reply.WAITING):
        return invitation
    if attending_count(workshop) >= workshop.capacity:
        invitation.reply, invitation.waiting_since = Reply.WAITING, utcnow()
    else:
        invitation.reply = Reply.ATTENDING
    db.session.flush()
    return invitation


def _promote_waiting(workshop: Workshop) -> None:
    """Move people up from the waiting list, first come first served, while places are free."""
    free = workshop.capacity - attending_count(workshop)
    if free <= 0:
        return
    waiting = db.session.scalars(select(Invitation).where(
        Invitation.workshop_id == workshop.id, Invitation.reply == Reply.WAITING)
        .order_by(Invitation.waiting_since, Invitation.id).limit(free)).all()
    for invitation in waiting:
        invitation.reply, invitation.waiting_since = Reply.ATTENDING, None
        _mail(workshop, invitation.user, f"A place is yours: {workshop.title}",
              "A place has come free and you have moved up from the waiting list: you are now attending.")
    db.session.flush()


# -- calendar ----------------------------------------------------------------------------------------------------

def _event(workshop: Workshop) -> Event:
    event = Event()
    event.add("uid", f"workshop-{workshop.id}@equiptrain")
    event.add("dtstamp", utcnow())
    event.add("dtstart", workshop.starts_at)
    event.add("dtend", workshop.ends_at)
    event.add("summary", workshop.title)
    event.add("location", workshop.place)
    event.add("description", "EQUIP workshop: " + ", ".join(m.title for m in workshop.modules))
    event.add("sequence", workshop.sequence)
    event.add("status", "CANCELLED" if workshop.status is WorkshopStatus.CANCELLED else "CONFIRMED")
    event.add("url", mail.external_url("workshops.detail", workshop_id=workshop.id))
    return event


def calendar_bytes(workshops: list[Workshop], name: str = "EQUIP workshops") -> bytes:
    """An RFC 5545 calendar holding the workshops."""
    cal = Calendar()
    cal.add("prodid", "-//EquipTrain//Workshops//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for w in workshops:
        cal.add_component(_event(w))
    return cal.to_ical()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed(user: User) -> str:
    """Give the person a new private feed address (revoking any old one); returns the token, shown once."""
    revoke_feed(user)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token)))
    db.session.flush()
    return token


def revoke_feed(user: User) -> None:
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.flush()


def feed_user(token: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    return feed.user if feed and feed.user.is_active else None


# -- mail --------------------------------------------------------------------------------------------------------

def _mail(workshop: Workshop, user: User, subject: str, lead: str) -> None:
    text = (f"Hello {user.name},\n\n{lead}\n\n{workshop.title}\n"
            f"When: {workshop.starts_at:%A %d %B %Y, %H:%M} to {workshop.ends_at:%H:%M} (UTC)\n"
            f"Where: {workshop.place}\n\n"
            f"Reply and see the details: {mail.external_url('workshops.detail', workshop_id=workshop.id)}\n")
    mail.send(user.email, subject, text,
              attachments=[("workshop.ics", "text/calendar", calendar_bytes([workshop]))])


def _mail_everyone(workshop: Workshop, subject: str, lead: str) -> None:
    for invitation in workshop.invitations:
        if invitation.reply is not Reply.NOT_ATTENDING:
            _mail(workshop, invitation.user, subject, lead)
    for f in workshop.facilitators:
        _mail(workshop, f.user, subject, lead)


def secret(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{current_app.config['SECRET_KEY']}".encode()).digest()
