"""On the day and after: self check-in and the register of each session, their sign-off (the last one
establishes who attended the whole workshop and credits CPD through `signals.workshop_attended`), anonymous
feedback, and lived-experience trainers' support records."""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from equiptrain import mail, release, signals
from equiptrain.accounts.models import User
from equiptrain.accounts.services import administers
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.workshops import queries
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
    WorkshopKind,
    WorkshopResult,
    WorkshopSession,
)
from equiptrain.workshops.services import attended_core, invited
from equiptrain.workshops.uktime import to_uk

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread across a room


def _not_signed_off(session: WorkshopSession) -> None:
    if session.workshop.is_cancelled:
        raise ServiceError("This workshop was cancelled, so it has no register.")
    if session.signed_off_at is not None:
        raise ServiceError(f"{session.label}'s register has been signed off and can no longer change.")


def day_reached(session: WorkshopSession) -> bool:
    """The session's day (UK time) has come: its register, check-in and role play are open from then."""
    return to_uk(session.starts_at).date() <= to_uk(utcnow()).date()


def require_day_reached(session: WorkshopSession, what: str = "register") -> None:
    """Attendance is never recorded for a future date (issue 24): refuse before the session's day."""
    if not day_reached(session):
        raise ServiceError(
            f"{session.label} is on {to_uk(session.starts_at):%A %d %B %Y}: its {what} opens on that day. "
            "Attendance is never recorded before the session."
        )


def attended_count(workshop: Workshop) -> int:
    """How many attended the workshop once every register is signed off (its results), else the last session."""
    if workshop.signed_off_at is not None:
        return (
            db.session.scalar(
                select(func.count(WorkshopResult.id)).where(
                    WorkshopResult.workshop_id == workshop.id, WorkshopResult.sessions_attended > 0
                )
            )
            or 0
        )
    session = workshop.sessions[-1]
    return sum(1 for _, _, a in register_rows(workshop, session) if a and a.status and a.status.attended)


def current_session(workshop: Workshop) -> WorkshopSession:
    """The session whose register is open: the first not yet signed off (the last one when all are)."""
    return next((s for s in workshop.sessions if s.signed_off_at is None), workshop.sessions[-1])


def session_number(workshop: Workshop, number: int | None) -> WorkshopSession:
    """The workshop's session with this number, or the current one when None."""
    if number is None:
        return current_session(workshop)
    found = next((s for s in workshop.sessions if s.number == number), None)
    if found is None:
        raise ServiceError(f"This workshop has no session {number}. Choose one of its sessions.")
    return found


def open_check_in(actor: User, workshop: Workshop, session: WorkshopSession | None = None) -> str:
    """Open self check-in for a session; returns the short code shown on the room's screen."""
    session = session or current_session(workshop)
    _not_signed_off(session)
    if not workshop.is_published:
        raise ServiceError("Publish the workshop before opening check-in.")
    require_day_reached(session, "check-in")
    if not session.checkin_code:
        session.checkin_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    session.checkin_open = True
    db.session.flush()
    return session.checkin_code


def close_check_in(actor: User, workshop: Workshop, session: WorkshopSession | None = None) -> None:
    (session or current_session(workshop)).checkin_open = False
    db.session.flush()


def _attendance(session: WorkshopSession, user: User) -> Attendance:
    row = db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    )
    if row is None:
        row = Attendance(workshop_id=session.workshop_id, session_id=session.id, user_id=user.id)
        db.session.add(row)
    return row


def check_in(user: User, code: str) -> Workshop:
    """An attendee checks themselves in to a session with the room's code while check-in is open."""
    code = (code or "").strip().upper().replace(" ", "")
    session = db.session.scalar(select(WorkshopSession).where(WorkshopSession.checkin_code == code)) if code else None
    if session is None or not session.checkin_open or not session.workshop.is_published:
        raise ServiceError("That code is not open for check-in. Check the code on the room's screen.", "code")
    workshop = session.workshop
    if not invited(user, workshop):
        raise ServiceError("You are not invited to this workshop. Speak to a facilitator.", "code")
    _not_signed_off(session)
    try:
        require_day_reached(session, "check-in")
    except ServiceError as exc:
        raise ServiceError(exc.message, "code") from None
    row = _attendance(session, user)
    row.checked_in_at = row.checked_in_at or utcnow()
    if row.status is None:
        row.status = AttendanceStatus.PRESENT
    db.session.flush()
    return workshop


def register_rows(
    workshop: Workshop, session: WorkshopSession | None = None
) -> list[tuple[User, Invitation | None, Attendance | None]]:
    """Everyone invited, and anyone who checked in to the session, with their reply and attendance (two queries)."""
    session = session or current_session(workshop)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.workshop_id == workshop.id).options(joinedload(Invitation.user))
    ).all()
    attendances = db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id).options(joinedload(Attendance.user))
    ).all()
    by_user = {a.user_id: a for a in attendances}
    rows: dict[int, tuple[User, Invitation | None, Attendance | None]] = {
        i.user_id: (i.user, i, by_user.get(i.user_id)) for i in invitations
    }
    for a in attendances:
        rows.setdefault(a.user_id, (a.user, None, a))
    return sorted(rows.values(), key=lambda r: r[0].name.lower())


def mark(
    actor: User, workshop: Workshop, statuses: dict[int, AttendanceStatus], session: WorkshopSession | None = None
) -> None:
    """Record a session's register (person id -> status). Only people invited can be on it."""
    session = session or current_session(workshop)
    _not_signed_off(session)
    require_day_reached(session)
    allowed = {u.id: u for u, _, _ in register_rows(workshop, session)}
    for user_id, status in statuses.items():
        if user_id not in allowed:
            raise ServiceError("Someone on the form is not invited to this workshop. Reload the register.")
        row = _attendance(session, allowed[user_id])
        row.status, row.marked_by_id, row.marked_at = status, actor.id, utcnow()
    db.session.flush()


def sign_off(actor: User, workshop: Workshop, session: WorkshopSession | None = None) -> int:
    """Sign a session's register off (the unmarked are absent) and lock it; returns how many attended it.
    Signing off the last open session establishes everyone's attendance of the whole workshop (`_establish`)."""
    session = session or current_session(workshop)
    _not_signed_off(session)
    if session.starts_at > utcnow():
        raise ServiceError(f"{session.label}'s register can be signed off once the session has started.")
    rows = register_rows(workshop, session)
    if not any(a and a.status for _, _, a in rows):
        raise ServiceError("Mark who came before signing off the register.")
    session.signed_off_at, session.signed_off_by_id, session.checkin_open = utcnow(), actor.id, False
    attended = 0
    for user, _, a in rows:
        if a is None or a.status is None:
            a = _attendance(session, user)
            a.status = AttendanceStatus.ABSENT
        attended += a.status.attended
    db.session.flush()
    log_event("workshop.register_signed_off", actor, workshop, session=session.number, attended=attended)
    if all(s.signed_off_at is not None for s in workshop.sessions):
        _establish(actor, workshop)
    return attended


def record_afterwards(
    actor: User,
    workshop: Workshop,
    session: WorkshopSession,
    user: User,
    status: AttendanceStatus,
    reason: str,
) -> None:
    """An administrator's override: record that `user` came to a session whose register is already signed off (they
    were missed on the day). Never for a future date; audited with the reason; when the whole workshop is settled,
    that person's result is settled again, crediting them if they now meet the rule."""
    if not administers(actor, workshop.organisation_id):
        raise ServiceError("Only an administrator records attendance after the register is signed off.")
    if workshop.is_cancelled:
        raise ServiceError("This workshop was cancelled, so it has no register.")
    require_day_reached(session)
    if session.signed_off_at is None:
        raise ServiceError(f"{session.label}'s register is still open: take it on the register as usual.")
    if not status.attended:
        raise ServiceError("Record only that someone came (present or late); the register already says who did not.")
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise ServiceError("Say why the register missed them, for example 'signed the paper sheet'.", "reason")
    if user.id not in {u.id for u, _, _ in register_rows(workshop, session)}:
        raise ServiceError("That person is not invited to this workshop.")
    row = _attendance(session, user)
    before = row.status
    if before is not None and before.attended:
        raise ServiceError(f"{user.name} is already recorded as {before.label.lower()} at {session.label.lower()}.")
    row.status, row.marked_by_id, row.marked_at = status, actor.id, utcnow()
    db.session.flush()
    log_event(
        "workshop.attendance_recorded_afterwards",
        actor,
        workshop,
        session=session.number,
        user_id=user.id,
        before=before.value if before else None,
        after=status.value,
        reason=reason[:500],
    )
    if workshop.signed_off_at is not None:
        _settle_again(workshop, user)


def _settle_again(workshop: Workshop, user: User) -> None:
    """One person's result after a late correction: credited (with CPD for the sessions they came to) if they now
    meet the rule, or CPD only if they came to some sessions; asked for feedback if they were not before."""
    attended_ids = set(
        db.session.scalars(
            select(Attendance.session_id).where(
                Attendance.workshop_id == workshop.id,
                Attendance.user_id == user.id,
                Attendance.status.in_([s for s in AttendanceStatus if s.attended]),
            )
        )
    )
    hours = {s.id: workshop.session_cpd_hours(s) for s in workshop.sessions}
    result = db.session.scalar(
        select(WorkshopResult).where(WorkshopResult.workshop_id == workshop.id, WorkshopResult.user_id == user.id)
    )
    was_attended, had_some = (result.attended, result.sessions_attended > 0) if result else (False, False)
    if result is None:
        result = WorkshopResult(workshop_id=workshop.id, user_id=user.id, sessions_total=len(workshop.sessions))
        db.session.add(result)
    result.sessions_attended = len(attended_ids)
    result.attended = attended_enough(len(attended_ids), len(workshop.sessions))
    result.hours = round(sum(hours[s] for s in attended_ids), 2)
    db.session.flush()
    if user.is_guest or (result.attended == was_attended and had_some):
        return
    slugs = [m.slug for m in workshop.modules]
    signal = signals.workshop_attended if result.attended else signals.workshop_partly_attended
    signal.send(
        user,
        workshop=workshop,
        module_slugs=slugs,
        hours=result.hours,
        at=workshop.ends_at,
        attended_core=attended_core(user.id),
        core_workshop=workshop.kind is WorkshopKind.CORE,
    )
    if not had_some:
        db.session.add(FeedbackInvitation(workshop_id=workshop.id, user_id=user.id))
        db.session.flush()


def attended_enough(sessions_attended: int, sessions_total: int) -> bool:
    """The multi-session rule: a person attended the workshop when they came to every session, or to at least
    WORKSHOP_ATTENDANCE_SHARE of them (a share of 1.0, the default, means every session)."""
    if sessions_total <= 0 or sessions_attended <= 0:
        return False
    share = float(current_app.config["WORKSHOP_ATTENDANCE_SHARE"])
    return sessions_attended / sessions_total >= share - 1e-9


def _establish(actor: User, workshop: Workshop) -> None:
    """Everyone's attendance of the whole workshop, once its last register is signed off: a `WorkshopResult`
    each; `workshop_attended` for those who met the rule (credits the modules' workshop rule and CPD for the
    sessions they came to), `workshop_partly_attended` for those who came to some sessions (CPD only); and a
    request for anonymous feedback to anyone who came at all."""
    workshop.signed_off_at, workshop.signed_off_by_id = utcnow(), actor.id
    hours = {s.id: workshop.session_cpd_hours(s) for s in workshop.sessions}
    came: dict[int, list[int]] = {}
    people: dict[int, User] = {}
    for a in db.session.scalars(
        select(Attendance).where(Attendance.workshop_id == workshop.id).options(joinedload(Attendance.user))
    ):
        people[a.user_id] = a.user
        came.setdefault(a.user_id, [])
        if a.status is not None and a.status.attended:
            came[a.user_id].append(a.session_id)
    total, slugs = len(workshop.sessions), [m.slug for m in workshop.modules]
    results = []
    for user_id, sessions in sorted(came.items()):
        result = WorkshopResult(
            workshop_id=workshop.id,
            user_id=user_id,
            sessions_attended=len(sessions),
            sessions_total=total,
            attended=attended_enough(len(sessions), total),
            hours=round(sum(hours[s] for s in sessions), 2),
        )
        db.session.add(result)
        results.append(result)
    db.session.flush()
    # The event carries whether each person has now attended the core, so learning need not ask back.
    core = queries.core_attendance([r.user_id for r in results if r.sessions_attended])
    for result in results:
        if not result.sessions_attended:
            continue
        user = people[result.user_id]
        if not user.is_guest:  # guests have no course, CPD record or completions: they are only asked for feedback
            signal = signals.workshop_attended if result.attended else signals.workshop_partly_attended
            signal.send(
                user,
                workshop=workshop,
                module_slugs=slugs,
                hours=result.hours,
                at=workshop.ends_at,
                attended_core=user.id in core,
                core_workshop=workshop.kind is WorkshopKind.CORE,
            )
        db.session.add(FeedbackInvitation(workshop_id=workshop.id, user_id=user.id))
        link = mail.external_url("workshops.feedback", workshop_id=workshop.id, token=feedback_token(workshop, user))
        mail.send(
            user.email,
            f"How was {workshop.title}?",
            f"Hello {user.name},\n\nThank you for coming. Three short questions; your answers are "
            f"anonymous (they are stored with no link to you):\n{link}\n",
        )
    db.session.flush()
    signals.workshop_signed_off.send(workshop)


# -- anonymous feedback ------------------------------------------------------------------------------------------


def feedback_token(workshop: Workshop, user: User) -> str:
    """The person's one-time feedback token: derived, never stored (only its hash, once used)."""
    key = hashlib.sha256(("feedback:" + current_app.config["SECRET_KEY"]).encode()).digest()
    return hmac.new(key, f"{workshop.id}:{user.id}".encode(), hashlib.sha256).hexdigest()[:40]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feedback_state(user: User, workshop: Workshop) -> str:
    """'not_asked', 'open' or 'given' for this person."""
    asked = db.session.scalar(
        select(FeedbackInvitation.id).where(
            FeedbackInvitation.workshop_id == workshop.id, FeedbackInvitation.user_id == user.id
        )
    )
    if asked is None:
        return "not_asked"
    used = db.session.get(UsedFeedbackToken, _token_hash(feedback_token(workshop, user)))
    return "given" if used else "open"


def submit_feedback(
    user: User, workshop: Workshop, token: str, *, useful: int, lived_experience_valuable: int, do_differently: str
) -> None:
    """Store an anonymous response; the token, spent, stops a second one."""
    if not hmac.compare_digest(token, feedback_token(workshop, user)) or feedback_state(user, workshop) == "not_asked":
        raise ServiceError("This feedback link is not yours. Use the link you were sent after the workshop.")
    if db.session.get(UsedFeedbackToken, _token_hash(token)) is not None:
        raise ServiceError("You have already given feedback on this workshop. Thank you.")
    for value in (useful, lived_experience_valuable):
        if not 1 <= value <= 5:
            raise ServiceError("Choose an answer from 1 to 5.")
    db.session.add(UsedFeedbackToken(token_hash=_token_hash(token), workshop_id=workshop.id))
    db.session.add(
        FeedbackResponse(
            workshop_id=workshop.id,
            organisation_id=workshop.organisation_id,
            useful=useful,
            lived_experience_valuable=lived_experience_valuable,
            do_differently=(do_differently or "").strip(),
            submitted_on=utcnow().date(),
        )
    )
    db.session.flush()


def feedback_summary(workshop: Workshop) -> dict:
    """Aggregates over the released blocks of answers (`equiptrain.release`: whole blocks of at least
    MIN_GROUP_SIZE, in the order they arrived), or only the count when no block is out yet."""
    rows = db.session.execute(
        select(
            FeedbackResponse.id,
            FeedbackResponse.useful,
            FeedbackResponse.lived_experience_valuable,
            FeedbackResponse.do_differently,
        ).where(FeedbackResponse.workshop_id == workshop.id)
    ).all()
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    cohort, released = release.in_blocks(rows, minimum, order=lambda r: (r.id,))
    count = len(rows)
    if not released.shown:
        return {"count": count, "shown": False, "minimum": minimum}
    texts = [r.do_differently for r in cohort if r.do_differently]
    random.shuffle(texts)  # arrival order would pair a comment with the day someone remembers answering
    return {
        "count": released.released,
        "shown": True,
        "minimum": minimum,
        "waiting": released.waiting,
        "useful": round(sum(r.useful for r in cohort) / len(cohort), 1),
        "lived_experience": round(sum(r.lived_experience_valuable for r in cohort) / len(cohort), 1),
        "do_differently": texts,
    }


# -- lived-experience trainer support ----------------------------------------------------------------------------


def support_for(workshop: Workshop, trainer: User) -> TrainerSupport:
    """The support record of a lived-experience facilitator (created when first needed). One already kept stays
    open after the trainer role ends (a claim for work done is still paid; the reports list it)."""
    row = db.session.scalar(
        select(TrainerSupport).where(TrainerSupport.workshop_id == workshop.id, TrainerSupport.trainer_id == trainer.id)
    )
    if row is None and not (
        trainer.trainer_profile
        and trainer.trainer_profile.kind.lived_experience
        and trainer.id in workshop.facilitator_ids
    ):
        raise ServiceError("Support records are for lived-experience trainers facilitating this workshop.")
    if row is None:
        row = TrainerSupport(workshop_id=workshop.id, trainer_id=trainer.id)
        db.session.add(row)
        db.session.flush()
    return row


def save_briefing(actor: User, support: TrainerSupport, briefing: str) -> None:
    support.briefing, support.briefing_at = briefing.strip(), utcnow()
    db.session.flush()


def save_debrief(
    actor: User, support: TrainerSupport, *, how_it_went: str, support_wanted: str, preparation_minutes: int
) -> None:
    if actor.id != support.trainer_id:
        raise ServiceError("Only the trainer writes their own debrief.")
    if preparation_minutes < 0 or preparation_minutes > 60 * 40:
        raise ServiceError("Enter your preparation time in minutes, between 0 and 2400.", "preparation_minutes")
    support.debrief_how_it_went, support.debrief_support_wanted = how_it_went.strip(), support_wanted.strip()
    support.preparation_minutes, support.debrief_at = preparation_minutes, utcnow()
    db.session.flush()


MAX_PAYMENT_PENCE = 1_000_000  # £10,000: far above any session fee; a larger figure is a typing slip


def set_payment(actor: User, support: TrainerSupport, status: PaymentStatus, amount_pence: int | None = None) -> None:
    """The trainer claims; an admin marks paid, with the amount paid. Payment moves forward only."""
    order = [PaymentStatus.NOT_CLAIMED, PaymentStatus.CLAIMED, PaymentStatus.PAID]
    if order.index(status) != order.index(support.payment_status) + 1:
        raise ServiceError(
            f"Payment is {support.payment_status.label.lower()}; it cannot become {status.label.lower()} from there."
        )
    if status is PaymentStatus.CLAIMED and actor.id != support.trainer_id:
        raise ServiceError("Only the trainer claims their payment.")
    if status is PaymentStatus.PAID and not administers(actor, support.workshop.organisation_id):
        raise ServiceError("An administrator marks the payment as paid.")
    if status is PaymentStatus.PAID and (amount_pence is None or not 0 < amount_pence <= MAX_PAYMENT_PENCE):
        raise ServiceError("Enter the amount paid in pounds, for example 150.00 (up to £10,000).", "amount")
    support.payment_status = status
    if status is PaymentStatus.PAID:
        support.amount_pence = amount_pence
    if status is PaymentStatus.CLAIMED:
        support.claimed_at = utcnow()
    else:
        support.paid_at = utcnow()
    db.session.flush()
    log_event(
        "trainer.payment",
        actor,
        support.workshop,
        status=status.value,
        trainer_id=support.trainer_id,
        amount_pence=support.amount_pence if status is PaymentStatus.PAID else None,
    )
