"""On the day and after: self check-in, the register and its sign-off (which credits CPD through
`signals.workshop_attended`), anonymous feedback, and lived-experience trainers' support records."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from equiptrain import mail, signals
from equiptrain.accounts.models import User
from equiptrain.accounts.services import administers
from equiptrain.audit.services import record
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops.models import (
    Attendance,
    AttendanceStatus,
    FeedbackInvitation,
    FeedbackResponse,
    Invitation,
    PaymentStatus,
    TrainerSupport,
    UsedFeedbackToken,
    Workshop,
)
from equiptrain.workshops.services import invited

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread across a room


def _not_signed_off(workshop: Workshop) -> None:
    if workshop.signed_off_at is not None:
        raise ServiceError("The register has been signed off and can no longer change.")


def open_check_in(actor: User, workshop: Workshop) -> str:
    """Open self check-in; returns the short code shown on the room's screen."""
    _not_signed_off(workshop)
    if not workshop.is_published:
        raise ServiceError("Publish the workshop before opening check-in.")
    if not workshop.checkin_code:
        workshop.checkin_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    workshop.checkin_open = True
    db.session.flush()
    return workshop.checkin_code


def close_check_in(actor: User, workshop: Workshop) -> None:
    workshop.checkin_open = False
    db.session.flush()


def _attendance(workshop: Workshop, user: User) -> Attendance:
    row = db.session.scalar(select(Attendance).where(Attendance.workshop_id == workshop.id,
                                                     Attendance.user_id == user.id))
    if row is None:
        row = Attendance(workshop_id=workshop.id, user_id=user.id)
        db.session.add(row)
    return row


def check_in(user: User, code: str) -> Workshop:
    """An attendee checks themselves in with the room's code while check-in is open."""
    code = (code or "").strip().upper().replace(" ", "")
    workshop = db.session.scalar(select(Workshop).where(Workshop.checkin_code == code)) if code else None
    if workshop is None or not workshop.checkin_open:
        raise ServiceError("That code is not open for check-in. Check the code on the room's screen.", "code")
    if not invited(user, workshop):
        raise ServiceError("You are not invited to this workshop. Speak to a facilitator.", "code")
    _not_signed_off(workshop)
    row = _attendance(workshop, user)
    row.checked_in_at = row.checked_in_at or utcnow()
    if row.status is None:
        row.status = AttendanceStatus.PRESENT
    db.session.flush()
    return workshop


def register_rows(workshop: Workshop) -> list[tuple[User, Invitation | None, Attendance | None]]:
    """Everyone invited, and anyone who checked in, with their reply and attendance (two queries)."""
    invitations = db.session.scalars(select(Invitation).where(Invitation.workshop_id == workshop.id)
                                     .options(joinedload(Invitation.user))).all()
    attendances = db.session.scalars(select(Attendance).where(Attendance.workshop_id == workshop.id)
                                     .options(joinedload(Attendance.user))).all()
    by_user = {a.user_id: a for a in attendances}
    rows = {i.user_id: (i.user, i, by_user.get(i.user_id)) for i in invitations}
    for a in attendances:
        rows.setdefault(a.user_id, (a.user, None, a))
    return sorted(rows.values(), key=lambda r: r[0].name.lower())


def mark(actor: User, workshop: Workshop, statuses: dict[int, AttendanceStatus]) -> None:
    """Record the register (person id -> status). Only people invited can be on it."""
    _not_signed_off(workshop)
    allowed = {u.id: u for u, _, _ in register_rows(workshop)}
    for user_id, status in statuses.items():
        if user_id not in allowed:
            raise ServiceError("Someone on the form is not invited to this workshop. Reload the register.")
        row = _attendance(workshop, allowed[user_id])
        row.status, row.marked_by_id, row.marked_at = status, actor.id, utcnow()
    db.session.flush()


def sign_off(actor: User, workshop: Workshop) -> int:
    """Sign the register off: credits everyone who attended (present, late or left early), asks them for
    anonymous feedback, and locks the register. Returns how many attended."""
    _not_signed_off(workshop)
    if workshop.starts_at > utcnow():
        raise ServiceError("The register can be signed off once the workshop has started.")
    rows = register_rows(workshop)
    if not any(a and a.status for _, _, a in rows):
        raise ServiceError("Mark who came before signing off the register.")
    workshop.signed_off_at, workshop.signed_off_by_id, workshop.checkin_open = utcnow(), actor.id, False
    slugs, hours = [m.slug for m in workshop.modules], workshop.cpd_hours
    attended = 0
    for user, _, a in rows:
        if a is None or a.status is None:
            a = _attendance(workshop, user)
            a.status = AttendanceStatus.ABSENT
        if not a.status.attended:
            continue
        attended += 1
        if not user.is_guest:  # guests have no course, CPD record or completions: they are only asked for feedback
            signals.workshop_attended.send(user, workshop=workshop, module_slugs=slugs, hours=hours,
                                           at=workshop.ends_at)
        db.session.add(FeedbackInvitation(workshop_id=workshop.id, user_id=user.id))
        link = mail.external_url("workshops.feedback", workshop_id=workshop.id,
                                 token=feedback_token(workshop, user))
        mail.send(user.email, f"How was {workshop.title}?",
                  f"Hello {user.name},\n\nThank you for coming. Three short questions; your answers are "
                  f"anonymous (they are stored with no link to you):\n{link}\n")
    db.session.flush()
    record("workshop.register_signed_off", actor, workshop, attended=attended)
    return attended


# -- anonymous feedback ------------------------------------------------------------------------------------------

def feedback_token(workshop: Workshop, user: User) -> str:
    """The person's one-time feedback token: derived, never stored (only its hash, once used)."""
    key = hashlib.sha256(("feedback:" + current_app.config["SECRET_KEY"]).encode()).digest()
    return hmac.new(key, f"{workshop.id}:{user.id}".encode(), hashlib.sha256).hexdigest()[:40]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feedback_state(user: User, workshop: Workshop) -> str:
    """'not_asked', 'open' or 'given' for this person."""
    asked = db.session.scalar(select(FeedbackInvitation.id).where(
        FeedbackInvitation.workshop_id == workshop.id, FeedbackInvitation.user_id == user.id))
    if asked is None:
        return "not_asked"
    used = db.session.get(UsedFeedbackToken, _token_hash(feedback_token(workshop, user)))
    return "given" if used else "open"


def submit_feedback(user: User, workshop: Workshop, token: str, *, useful: int, lived_experience_valuable: int,
                    do_differently: str) -> None:
    """Store an anonymous response; the token, spent, stops a second one."""
    if not hmac.compare_digest(token, feedback_token(workshop, user)) or feedback_state(user, workshop) == "not_asked":
        raise ServiceError("This feedback link is not yours. Use the link you were sent after the workshop.")
    if db.session.get(UsedFeedbackToken, _token_hash(token)) is not None:
        raise ServiceError("You have already given feedback on this workshop. Thank you.")
    for value in (useful, lived_experience_valuable):
        if not 1 <= value <= 5:
            raise ServiceError("Choose an answer from 1 to 5.")
    db.session.add(UsedFeedbackToken(token_hash=_token_hash(token), workshop_id=workshop.id))
    db.session.add(FeedbackResponse(workshop_id=workshop.id, organisation_id=workshop.organisation_id,
                                    useful=useful, lived_experience_valuable=lived_experience_valuable,
                                    do_differently=(do_differently or "").strip(),
                                    submitted_on=utcnow().date()))
    db.session.flush()


def feedback_summary(workshop: Workshop) -> dict:
    """Aggregates, or only the count when fewer than MIN_GROUP_SIZE people answered."""
    count, useful, le = db.session.execute(select(
        func.count(FeedbackResponse.id), func.avg(FeedbackResponse.useful),
        func.avg(FeedbackResponse.lived_experience_valuable)).where(
        FeedbackResponse.workshop_id == workshop.id)).one()
    minimum = current_app.config["MIN_GROUP_SIZE"]
    if count < minimum:
        return {"count": count, "shown": False, "minimum": minimum}
    texts = db.session.scalars(select(FeedbackResponse.do_differently).where(
        FeedbackResponse.workshop_id == workshop.id, FeedbackResponse.do_differently != "")
        .order_by(func.random())).all()
    return {"count": count, "shown": True, "minimum": minimum, "useful": round(float(useful), 1),
            "lived_experience": round(float(le), 1), "do_differently": texts}


# -- lived-experience trainer support ----------------------------------------------------------------------------

def support_for(workshop: Workshop, trainer: User) -> TrainerSupport:
    """The support record of a lived-experience facilitator (created when first needed)."""
    if not (trainer.trainer_profile and trainer.trainer_profile.kind.lived_experience
            and trainer.id in workshop.facilitator_ids):
        raise ServiceError("Support records are for lived-experience trainers facilitating this workshop.")
    row = db.session.scalar(select(TrainerSupport).where(TrainerSupport.workshop_id == workshop.id,
                                                         TrainerSupport.trainer_id == trainer.id))
    if row is None:
        row = TrainerSupport(workshop_id=workshop.id, trainer_id=trainer.id)
        db.session.add(row)
        db.session.flush()
    return row


def save_briefing(actor: User, support: TrainerSupport, briefing: str) -> None:
    support.briefing, support.briefing_at = briefing.strip(), utcnow()
    db.session.flush()


def save_debrief(actor: User, support: TrainerSupport, *, how_it_went: str, support_wanted: str,
                 preparation_minutes: int) -> None:
    if actor.id != support.trainer_id:
        raise ServiceError("Only the trainer writes their own debrief.")
    if preparation_minutes < 0 or preparation_minutes > 60 * 40:
        raise ServiceError("Enter your preparation time in minutes, between 0 and 2400.", "preparation_minutes")
    support.debrief_how_it_went, support.debrief_support_wanted = how_it_went.strip(), support_wanted.strip()
    support.preparation_minutes, support.debrief_at = preparation_minutes, utcnow()
    db.session.flush()


def set_payment(actor: User, support: TrainerSupport, status: PaymentStatus) -> None:
    """The trainer claims; an admin marks paid. Payment moves forward only."""
    order = [PaymentStatus.NOT_CLAIMED, PaymentStatus.CLAIMED, PaymentStatus.PAID]
    if order.index(status) != order.index(support.payment_status) + 1:
        raise ServiceError(f"Payment is {support.payment_status.label.lower()}; it cannot become "
                           f"{status.label.lower()} from there.")
    if status is PaymentStatus.CLAIMED and actor.id != support.trainer_id:
        raise ServiceError("Only the trainer claims their payment.")
    if status is PaymentStatus.PAID and not administers(actor, support.workshop.organisation_id):
        raise ServiceError("An administrator marks the payment as paid.")
    support.payment_status = status
    if status is PaymentStatus.CLAIMED:
        support.claimed_at = utcnow()
    else:
        support.paid_at = utcnow()
    db.session.flush()
    record("trainer.payment", actor, support.workshop, status=status.value, trainer_id=support.trainer_id)
