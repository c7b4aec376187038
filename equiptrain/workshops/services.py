"""Workshop rules: scheduling, the co-delivery rule and its override, invitations and the waiting list, calendar
files and feeds, trainers' prepared modules. The register, feedback and trainer support are in `attendance.py`;
live role play in `roleplay.py`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import delete, func, select

from equiptrain import mail, signals
from equiptrain.accounts.models import Membership, Organisation, Team, User
from equiptrain.auditlog.services import log_event
from equiptrain.authz import guest_workshop_ids
from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.trainers import services as trainer_services
from equiptrain.workshops import queries
from equiptrain.workshops.models import (
    MAX_SESSIONS,
    Attendance,
    CalendarFeed,
    CoDeliveryOverride,
    Facilitator,
    Invitation,
    Reply,
    Workshop,
    WorkshopKind,
    WorkshopSession,
    WorkshopStatus,
    new_calendar_uid,
)
from equiptrain.workshops.uktime import to_uk

# -- access ------------------------------------------------------------------------------------------------------


def is_facilitator(user: User, workshop: Workshop) -> bool:
    return user.id in workshop.facilitator_ids


def invited(user: User, workshop: Workshop) -> bool:
    """A member of an invited team, or a guest invited to this workshop."""
    if user.is_guest:
        return workshop.id in guest_workshop_ids(user)
    return bool(user.team_ids & {t.id for t in workshop.teams})


def attended_core(user_id: int) -> bool:
    """Whether the person attended the core: every session of a core workshop, or WORKSHOP_ATTENDANCE_SHARE of
    them, established when its last register was signed off (see `queries.core_attendance`)."""
    return bool(queries.core_attendance([user_id]))


# -- scheduling --------------------------------------------------------------------------------------------------


def _check_times(sessions: list[tuple[dt.datetime, dt.datetime]], capacity: int) -> None:
    if not sessions:
        raise ServiceError("Give the first session's start and end times.", "starts_at")
    if len(sessions) > MAX_SESSIONS:
        raise ServiceError(f"A workshop has at most {MAX_SESSIONS} sessions. Split it into two workshops.", "starts_at")
    for n, (starts_at, ends_at) in enumerate(sessions, 1):
        if ends_at <= starts_at:
            field = "ends_at" if n == 1 else f"session{n}_ends_at"
            raise ServiceError(f"Session {n} must end after it starts. Check its end time.", field)
        if n > 1 and starts_at < sessions[n - 2][1]:
            raise ServiceError(
                f"Session {n} must start after session {n - 1} ends. Check its start time.", f"session{n}_starts_at"
            )
    if capacity < 1:
        raise ServiceError("Capacity must be at least 1 place.", "capacity")


@dataclass(frozen=True)
class RemovedSession:
    """What a session removed by an edit was, kept to send its calendar cancellation after it is gone."""

    number: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    calendar_uid: str
    sequence: int


@dataclass
class SessionChanges:
    added: list[WorkshopSession] = field(default_factory=list)
    moved: list[WorkshopSession] = field(default_factory=list)
    removed: list[RemovedSession] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.moved or self.removed)


def _set_sessions(workshop: Workshop, times: list[tuple[dt.datetime, dt.datetime]]) -> SessionChanges:
    """Give the workshop these session times, keeping sessions (and their registers, calendar UIDs) by number. A
    session that has a register cannot be removed. A moved session's SEQUENCE rises; a removed one is returned
    with its SEQUENCE raised, for its cancellation."""
    changes = SessionChanges()
    by_number = {s.number: s for s in workshop.sessions}
    for n, (starts_at, ends_at) in enumerate(times, 1):
        session = by_number.get(n)
        if session is None:
            session = WorkshopSession(number=n, starts_at=starts_at, ends_at=ends_at)
            if n == 1:  # a one-session workshop's event keeps the workshop's UID, as before
                session.calendar_uid = workshop.calendar_uid
            workshop.sessions.append(session)
            changes.added.append(session)
        elif (session.starts_at, session.ends_at) != (starts_at, ends_at):
            if session.signed_off_at is not None:
                raise ServiceError(
                    f"Session {n}'s register is signed off, so its time cannot change.",
                    "starts_at" if n == 1 else f"session{n}_starts_at",
                )
            session.starts_at, session.ends_at = starts_at, ends_at
            session.sequence += 1
            changes.moved.append(session)
    extra = [s for s in workshop.sessions if s.number > len(times)]
    if extra and db.session.scalar(
        select(func.count(Attendance.id)).where(Attendance.session_id.in_([s.id for s in extra if s.id]))
    ):
        raise ServiceError(f"Session {extra[0].number} has a register, so it cannot be removed.", "starts_at")
    for s in extra:
        if s.id is not None:  # one that was saved (and so perhaps sent) is cancelled in people's calendars
            changes.removed.append(RemovedSession(s.number, s.starts_at, s.ends_at, s.calendar_uid, s.sequence + 1))
        workshop.sessions.remove(s)
    workshop.starts_at, workshop.ends_at = times[0][0], times[-1][1]
    return changes


def save_workshop(
    actor: User,
    workshop: Workshop | None,
    *,
    organisation: Organisation,
    title: str,
    kind: WorkshopKind,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    room: str | None,
    online_url: str | None,
    capacity: int,
    modules: list[Module],
    teams: list[Team],
    facilitators: list[User],
    follow_up_of: Workshop | None = None,
    sessions: list[tuple[dt.datetime, dt.datetime]] | None = None,
) -> Workshop:
    """Create or change a workshop: one session from `starts_at`/`ends_at`, or several from `sessions` (the core
    is two days, possibly a week apart). Changes to a published workshop are sent to everyone invited."""
    times = list(sessions) if sessions else ([(starts_at, ends_at)] if starts_at and ends_at else [])
    _check_times(times, capacity)
    if workshop is not None and workshop.is_cancelled:
        raise ServiceError("This workshop is cancelled and can no longer change. Schedule a new one.")
    if not (room or online_url):
        raise ServiceError("Give a room or an online link, so people know where to go.", "room")
    if any(t.organisation_id != organisation.id for t in teams):
        raise ServiceError("Invite only teams from this organisation.", "teams")
    if any(not u.is_trainer for u in facilitators):
        raise ServiceError("Facilitators must be trainers. Give the person a trainer role first.", "facilitators")
    _refuse_declared_connections([u.id for u in facilitators], [t.id for t in teams])
    if kind is not WorkshopKind.CORE and follow_up_of is None:
        raise ServiceError("A follow-up must say which workshop it follows. Choose the first workshop.", "follow_up_of")
    creating = workshop is None
    if workshop is None:
        workshop = Workshop(organisation=organisation, created_by_id=actor.id, calendar_uid=new_calendar_uid())
        db.session.add(workshop)
    was_place = (workshop.room, workshop.online_url) if not creating else None
    workshop.title, workshop.kind, workshop.capacity = title.strip(), kind, capacity
    changes = _set_sessions(workshop, times)
    workshop.room, workshop.online_url = (room or None), (online_url or None)
    place_changed = was_place is not None and was_place != (workshop.room, workshop.online_url)
    if place_changed:  # every session's event changes its LOCATION
        for session in workshop.sessions:
            if session not in changes.moved and session not in changes.added:
                session.sequence += 1
    workshop.follow_up_of = follow_up_of if kind is not WorkshopKind.CORE else None
    workshop.modules, workshop.teams = list(modules), list(teams)
    wanted = {u.id for u in facilitators}
    workshop.facilitators = [f for f in workshop.facilitators if f.user_id in wanted] + [
        Facilitator(user=u) for u in facilitators if u.id not in workshop.facilitator_ids
    ]
    db.session.flush()
    log_event("workshop.created" if creating else "workshop.changed", actor, workshop)
    if workshop.is_published:
        _invite_members(workshop)
        expire_offers(workshop)
        _promote_waiting(workshop)
        if not creating and (changes or place_changed):
            workshop.sequence += 1
            _send_changes(workshop, changes, place_changed)
    return workshop


def _send_changes(workshop: Workshop, changes: SessionChanges, place_changed: bool) -> None:
    """Tell everyone expected what changed, one RFC 5546 message per session: a CANCEL for each removed session, a
    REQUEST (SEQUENCE raised) for each moved one, or every one when the place changed, and a REQUEST for each new
    one. The people invited just now already have every session."""
    title = workshop.title
    for gone in changes.removed:
        when = f"{to_uk(gone.starts_at):%A %d %B %Y, %H:%M} (UK time)"
        _mail_everyone(
            workshop,
            f"Session removed: {title}",
            f"Session {gone.number} of this workshop, on {when}, has been removed: it will not take place. "
            "The remaining sessions are listed below.",
            method="CANCEL",
            sessions=[gone],
        )
    changed = list(workshop.sessions) if place_changed else [s for s in workshop.sessions if s in changes.moved]
    if changed:
        what = "place" if place_changed and not changes.moved else "time or place"
        _mail_everyone(workshop, f"Changed: {title}", f"The {what} of this workshop has changed.", sessions=changed)
    added = [s for s in workshop.sessions if s in changes.added and s not in changed]
    if added:
        _mail_everyone(
            workshop, f"Session added: {title}", "A session has been added to this workshop.", sessions=added
        )


def co_delivery_missing(workshop: Workshop) -> list[str]:
    """What the facilitators lack for co-delivery: a lived-experience trainer and/or a professional trainer."""
    kinds = [f.user.trainer_profile.kind for f in workshop.facilitators if f.user.trainer_profile]
    missing = []
    if not any(k.lived_experience for k in kinds):
        missing.append("a lived-experience trainer (service user or carer)")
    if not any(not k.lived_experience for k in kinds):
        missing.append("a professional trainer")
    return missing


def lived_experience_facilitators(workshop: Workshop) -> list[User]:
    return [
        f.user for f in workshop.facilitators if f.user.trainer_profile and f.user.trainer_profile.kind.lived_experience
    ]


def untrained(workshop: Workshop) -> list[User]:
    """Lived-experience facilitators with no completed train-the-trainers course on record."""
    people = lived_experience_facilitators(workshop)
    return trainer_services.untrained(people) if people else []


def _refuse_declared_connections(trainer_ids: list[int], team_ids: list[int]) -> None:
    """A trainer who has declared a current connection with a team is not scheduled with it (no override)."""
    clashes = trainer_services.conflicts(trainer_ids, team_ids)
    if clashes:
        c = clashes[0]
        raise ServiceError(
            f"{c.trainer.name} has declared a current connection with {c.team.name}, so cannot deliver to it. "
            "Choose another trainer, or leave that team out of this workshop.",
            "facilitators",
        )


def publish_gaps(workshop: Workshop) -> list[str]:
    """What publishing needs a written override for: a missing co-trainer, or a lived-experience trainer who has
    not completed train-the-trainers."""
    gaps = co_delivery_missing(workshop)
    names = [u.name for u in untrained(workshop)]
    if names:
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        gaps.append(f"completed train-the-trainers for {who}")
    return gaps


def publish(actor: User, workshop: Workshop, override_reason: str | None = None) -> None:
    """Publish and send the invitations. Without the co-delivery pair, or with a lived-experience trainer who has
    not completed train-the-trainers, an admin must give a written reason (recorded as an override)."""
    if workshop.status is not WorkshopStatus.DRAFT:
        raise ServiceError("This workshop is already published.")
    _refuse_declared_connections(list(workshop.facilitator_ids), [t.id for t in workshop.teams])
    missing = publish_gaps(workshop)
    reason = (override_reason or "").strip()
    if missing and not reason:
        raise ServiceError(
            f"A workshop is co-delivered by trained trainers: it lacks {' and '.join(missing)}. "
            "Change the facilitators or record the training, or give a written reason to publish "
            "without.",
            "override_reason",
        )
    if missing:
        db.session.add(
            CoDeliveryOverride(workshop=workshop, reason=reason, missing="; ".join(missing)[:200], by_id=actor.id)
        )
        log_event("workshop.co_delivery_override", actor, workshop, reason=reason, missing=missing)
    workshop.status, workshop.published_at = WorkshopStatus.PUBLISHED, utcnow()
    db.session.flush()
    log_event("workshop.published", actor, workshop)
    _invite_members(workshop)


# -- invitations and the waiting list ----------------------------------------------------------------------------


def _invite_members(workshop: Workshop) -> None:
    """Invite every active member (managers included) of the invited teams who is not invited yet."""
    have = {i.user_id for i in workshop.invitations}
    people = db.session.scalars(
        select(User)
        .join(Membership)
        .where(
            Membership.team_id.in_([t.id for t in workshop.teams]),
            User.deactivated_at.is_(None),
            User.university.is_(None),  # students on placement take the course without the team's workshops
        )
        .distinct()
    ).all()
    for user in people:
        if user.id in have:
            continue
        workshop.invitations.append(Invitation(user=user))
        _mail(
            workshop,
            user,
            f"Invitation: {workshop.title}",
            "Your team is invited to this EQUIP workshop. Reply on the workshop page.",
        )
    db.session.flush()


def places_taken(workshop: Workshop) -> int:
    """Places held: people attending, and places offered from the waiting list that are still open."""
    return db.session.scalars(
        select(func.count(Invitation.id)).where(
            Invitation.workshop_id == workshop.id,
            (Invitation.reply == Reply.ATTENDING)
            | ((Invitation.reply == Reply.WAITING) & Invitation.offer_expires_at.is_not(None)),
        )
    ).one()


def _invitation(user: User, workshop: Workshop) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(Invitation.workshop_id == workshop.id, Invitation.user_id == user.id)
    )


def reply(user: User, workshop: Workshop, attending: bool) -> Invitation:
    """Reply to an invitation; past capacity the person joins the waiting list. Someone offered a place from the
    waiting list confirms it by replying that they will attend (or declines it, freeing it for the next)."""
    if workshop.is_cancelled:
        raise ServiceError("This workshop has been cancelled, so replies are closed.")
    if not workshop.is_published:
        raise ServiceError("This workshop is not open for replies.")
    if workshop.starts_at <= utcnow():
        raise ServiceError("This workshop has started, so replies are closed. Speak to a facilitator.")
    expire_offers(workshop)
    invitation = _invitation(user, workshop)
    if invitation is None:
        raise ServiceError("You are not invited to this workshop. Ask your team manager.")
    before, offered = invitation.reply, invitation.offer_expires_at is not None
    invitation.replied_at = utcnow()
    if not attending:
        invitation.reply, invitation.waiting_since, invitation.offer_expires_at = Reply.NOT_ATTENDING, None, None
        db.session.flush()
        if before is Reply.ATTENDING or offered:
            _promote_waiting(workshop)
        return invitation
    if offered:
        invitation.reply, invitation.waiting_since, invitation.offer_expires_at = Reply.ATTENDING, None, None
        db.session.flush()
        signals.workshop_registered.send(user, workshop=workshop, at=invitation.replied_at)
        return invitation
    if before in (Reply.ATTENDING, Reply.WAITING):
        return invitation
    if places_taken(workshop) >= workshop.capacity:
        invitation.reply, invitation.waiting_since = Reply.WAITING, utcnow()
    else:
        invitation.reply = Reply.ATTENDING
    db.session.flush()
    if invitation.reply is Reply.ATTENDING:
        signals.workshop_registered.send(user, workshop=workshop, at=invitation.replied_at)
    return invitation


def _promote_waiting(workshop: Workshop) -> None:
    """Offer free places to the waiting list, first come first served. Each person has WAITING_LIST_OFFER_HOURS to
    confirm before the place goes to the next person (`expire_offers`)."""
    if not workshop.is_published or workshop.starts_at <= utcnow():
        return
    free = workshop.capacity - places_taken(workshop)
    if free <= 0:
        return
    waiting = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.workshop_id == workshop.id,
            Invitation.reply == Reply.WAITING,
            Invitation.offer_expires_at.is_(None),
        )
        .order_by(Invitation.waiting_since, Invitation.id)
        .limit(free)
    ).all()
    hours = float(current_app.config["WAITING_LIST_OFFER_HOURS"])
    # An offer never outlives the start of the workshop.
    expires = min(utcnow() + dt.timedelta(hours=hours), workshop.starts_at)
    for invitation in waiting:
        invitation.offer_expires_at = expires
        _mail(
            workshop,
            invitation.user,
            f"A place is free: please confirm by {to_uk(expires):%a %d %b, %H:%M}",
            f"A place has come free and you are next on the waiting list. Confirm it on the workshop page by "
            f"{to_uk(expires):%A %d %B, %H:%M} (UK time), by replying that you will attend; after that it is "
            "offered to the next person.",
        )
    db.session.flush()


def expire_offers(workshop: Workshop | None = None) -> int:
    """Lapse the waiting-list offers whose time has passed (for one workshop, or all): the person is told and
    leaves the waiting list, and the place is offered to the next. Runs when the workshop is next read or
    written, and from `equiptrain workshops expire-offers`; returns how many lapsed."""
    q = select(Invitation).where(
        Invitation.reply == Reply.WAITING,
        Invitation.offer_expires_at.is_not(None),
        Invitation.offer_expires_at <= utcnow(),
    )
    if workshop is not None:
        q = q.where(Invitation.workshop_id == workshop.id)
    lapsed = db.session.scalars(q.order_by(Invitation.workshop_id, Invitation.id)).all()
    touched: dict[int, Workshop] = {}
    for invitation in lapsed:
        invitation.reply, invitation.waiting_since, invitation.offer_expires_at = Reply.NOT_ATTENDING, None, None
        touched[invitation.workshop_id] = invitation.workshop
        _mail(
            invitation.workshop,
            invitation.user,
            f"Place not confirmed: {invitation.workshop.title}",
            "The place offered to you from the waiting list was not confirmed in time, so it has gone to the "
            "next person. If you can still come, reply on the workshop page to join the waiting list again.",
            method="CANCEL",
        )
    db.session.flush()
    for w in touched.values():
        log_event("workshop.waiting_list_offers_lapsed", None, w, count=sum(1 for i in lapsed if i.workshop_id == w.id))
        _promote_waiting(w)
    return len(lapsed)


def cancel(actor: User, workshop: Workshop, reason: str) -> None:
    """Cancel the workshop: everyone invited and every facilitator is told by email with a calendar cancellation
    (METHOD:CANCEL), calendar feeds show it as cancelled, and an audit entry is written."""
    if workshop.is_cancelled:
        raise ServiceError("This workshop is already cancelled.")
    if workshop.signed_off_at is not None:
        raise ServiceError("This workshop has taken place (its register is signed off), so it cannot be cancelled.")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give the reason for cancelling: it is sent to everyone invited.", "reason")
    if len(reason) > 2000:
        raise ServiceError("Keep the reason to 2000 characters or fewer.", "reason")
    was_published = workshop.is_published
    workshop.status, workshop.cancelled_at, workshop.cancel_reason = WorkshopStatus.CANCELLED, utcnow(), reason
    workshop.sequence += 1
    for session in workshop.sessions:
        session.checkin_open = False
        session.sequence += 1
    for invitation in workshop.invitations:
        invitation.offer_expires_at = None
    db.session.flush()
    log_event("workshop.cancelled", actor, workshop, reason=reason, invited=len(workshop.invitations))
    if was_published:
        lead = f"This workshop has been cancelled. Reason: {reason}"
        for invitation in workshop.invitations:
            _mail(workshop, invitation.user, f"Cancelled: {workshop.title}", lead, method="CANCEL")
        for f in workshop.facilitators:
            _mail(workshop, f.user, f"Cancelled: {workshop.title}", lead, method="CANCEL")


# -- the organisation's training address -----------------------------------------------------------------------


def set_training_address(actor: User | None, organisation: Organisation, email: str | None) -> None:
    """Set (or with None, clear) the organisation's training address: the ORGANIZER of its workshops' calendar
    invitations, where replies from people's calendars go. Audited; invitations sent before keep their organiser
    until the next update of each event."""
    from email_validator import EmailNotValidError, validate_email

    address = (email or "").strip() or None
    if address is not None:
        try:
            address = validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ServiceError(
                f"{address!r} is not an email address: give one like equip.training@yourtrust.nhs.uk.", "email"
            ) from None
        if len(address) > 254:
            raise ServiceError("Enter an email address of 254 characters or fewer.", "email")
    if address == organisation.training_email:
        return
    before = organisation.training_email
    organisation.training_email = address
    db.session.flush()
    log_event(
        "organisation.training_address_set" if address else "organisation.training_address_cleared",
        actor,
        organisation,
        organisation_id=organisation.id,
        before=before,
        after=address,
    )


# -- calendar ----------------------------------------------------------------------------------------------------


def session_uid(workshop: Workshop, session: WorkshopSession) -> str:
    """The session's iCalendar UID, stored with it (a UUID at the site's host; the first session's is the
    workshop's), so every update and cancellation names the same event."""
    return session.calendar_uid


def organizer(workshop: Workshop) -> vCalAddress:
    """The organisation's training address (replies go there), or the site's sender address."""
    email = workshop.organisation.training_email or parseaddr(current_app.config["MAIL_FROM"])[1]
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(workshop.organisation.name)
    return address


def _attendee(user: User) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.name)
    address.params["role"] = vText("REQ-PARTICIPANT")
    address.params["partstat"] = vText("NEEDS-ACTION")
    address.params["rsvp"] = vText("TRUE")
    return address


def _event(workshop: Workshop, session: WorkshopSession | RemovedSession, method: str, attendee: User | None) -> Event:
    """One calendar event per session, with the session's own UID and SEQUENCE."""
    event = Event()
    removed = isinstance(session, RemovedSession)
    total = len(workshop.sessions)
    event.add("uid", session.calendar_uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    if removed:
        summary = f"{workshop.title} (session {session.number}, removed)"
    elif total > 1:
        summary = f"{workshop.title} (session {session.number} of {total})"
    else:
        summary = workshop.title
    event.add("summary", summary)
    event.add("location", workshop.place)
    event.add("description", "EQUIP workshop: " + ", ".join(m.title for m in workshop.modules))
    event.add("sequence", session.sequence)
    cancelled = method == "CANCEL" or removed or workshop.status is WorkshopStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("url", mail.external_url("workshops.detail", workshop_id=workshop.id))
    event.add("organizer", organizer(workshop))
    if attendee is not None:  # REQUEST and CANCEL name the person; PUBLISH names no attendee (RFC 5546 3.2.1)
        event.add("attendee", _attendee(attendee))
    return event


def _calendar(method: str, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//EquipTrain//Workshops//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name is not None:
        cal.add("x-wr-calname", name)
    return cal


def calendar_bytes(workshops: list[Workshop], name: str = "EQUIP workshops") -> bytes:
    """An iCalendar object (METHOD:PUBLISH) holding the workshops, one event per session, for downloads and the
    private feed (cancelled sessions as STATUS:CANCELLED). Messages to a person are `itip_bytes`."""
    cal = _calendar("PUBLISH", name)
    for w in workshops:
        for session in w.sessions:
            cal.add_component(_event(w, session, "PUBLISH", None))
    return cal.to_ical()


def itip_bytes(workshop: Workshop, session: WorkshopSession | RemovedSession, method: str, attendee: User) -> bytes:
    """One RFC 5546 message about one event (one UID): a REQUEST (an invitation or an update) or a CANCEL (the
    session will not take place, or the person is no longer expected) to `attendee`, from the organisation's
    training address as ORGANIZER."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    cal = _calendar(method)
    cal.add_component(_event(workshop, session, method, attendee))
    return cal.to_ical()


def itip_attachment(
    workshop: Workshop, session: WorkshopSession | RemovedSession, method: str, attendee: User
) -> tuple[str, str, bytes]:
    """The message as an email part: `text/calendar; method=...`, sent inline (see `mail.build_message`)."""
    return ("workshop.ics", f"text/calendar; method={method}", itip_bytes(workshop, session, method, attendee))


def session_subject(workshop: Workshop, subject: str, session: WorkshopSession | RemovedSession) -> str:
    """The subject of the message about one session: as given for a one-session workshop, with the session named
    when there are several (each session's calendar message comes in its own email)."""
    if isinstance(session, RemovedSession):
        return f"{subject} (session {session.number})"
    if len(workshop.sessions) > 1:
        return f"{subject} (session {session.number} of {len(workshop.sessions)})"
    return subject


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


def when_lines(workshop: Workshop) -> str:
    """The sessions' times in UK time, one a line, for emails."""
    return "\n".join(
        f"{'Session ' + str(s.number) + ': ' if len(workshop.sessions) > 1 else ''}"
        f"{to_uk(s.starts_at):%A %d %B %Y, %H:%M} to {to_uk(s.ends_at):%H:%M} (UK time)"
        for s in workshop.sessions
    )


def _mail(
    workshop: Workshop,
    user: User,
    subject: str,
    lead: str,
    method: str = "REQUEST",
    sessions: Sequence[WorkshopSession | RemovedSession] | None = None,
) -> None:
    """Emails with the meeting request (or cancellation) for this person inline, as mail clients expect: one email
    per session, since one iTIP message is about one event (RFC 5546 section 1.4). `sessions` defaults to all."""
    text = (
        f"Hello {user.name},\n\n{lead}\n\n{workshop.title}\n"
        f"When:\n{when_lines(workshop)}\n"
        f"Where: {workshop.place}\n\n"
        f"Reply and see the details: {mail.external_url('workshops.detail', workshop_id=workshop.id)}\n"
    )
    for session in workshop.sessions if sessions is None else sessions:
        mail.send(
            user.email,
            session_subject(workshop, subject, session),
            text,
            attachments=[itip_attachment(workshop, session, method, user)],
        )


def _mail_everyone(
    workshop: Workshop,
    subject: str,
    lead: str,
    method: str = "REQUEST",
    sessions: Sequence[WorkshopSession | RemovedSession] | None = None,
) -> None:
    for invitation in workshop.invitations:
        if invitation.reply is not Reply.NOT_ATTENDING:
            _mail(workshop, invitation.user, subject, lead, method, sessions)
    for f in workshop.facilitators:
        _mail(workshop, f.user, subject, lead, method, sessions)


def secret(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{current_app.config['SECRET_KEY']}".encode()).digest()
