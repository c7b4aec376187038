"""Read-only queries about guests: a workshop's guests, and guests counted apart from team attendance."""

from __future__ import annotations

from sqlalchemy import func, select

from equiptrain.accounts.models import GuestAccess, User
from equiptrain.extensions import db
from equiptrain.workshops.models import (
    Attendance,
    AttendanceStatus,
    Invitation,
    Reply,
    Workshop,
)


def workshop_guests(workshop: Workshop) -> list[tuple[User, GuestAccess, Invitation | None, Attendance | None]]:
    """The workshop's guests with their role, reply and attendance (one query)."""
    rows = db.session.execute(
        select(User, GuestAccess, Invitation, Attendance)
        .join(GuestAccess, GuestAccess.user_id == User.id)
        .outerjoin(Invitation, (Invitation.user_id == User.id) & (Invitation.workshop_id == GuestAccess.workshop_id))
        .outerjoin(Attendance, (Attendance.user_id == User.id) & (Attendance.workshop_id == GuestAccess.workshop_id))
        .where(GuestAccess.workshop_id == workshop.id)
        .order_by(User.name)
    ).all()
    return [(user, access, invitation, attendance) for user, access, invitation, attendance in rows]


def guest_counts(organisation_id: int) -> list[dict]:
    """Per workshop of the organisation that had guests: invited, attending and attended (one query)."""
    attended = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY]
    rows = db.session.execute(
        select(
            Workshop,
            func.count(GuestAccess.id),
            func.count(Invitation.id).filter(Invitation.reply == Reply.ATTENDING),
            func.count(Attendance.id).filter(Attendance.status.in_(attended)),
        )
        .join(GuestAccess, GuestAccess.workshop_id == Workshop.id)
        .outerjoin(Invitation, (Invitation.user_id == GuestAccess.user_id) & (Invitation.workshop_id == Workshop.id))
        .outerjoin(Attendance, (Attendance.user_id == GuestAccess.user_id) & (Attendance.workshop_id == Workshop.id))
        .where(Workshop.organisation_id == organisation_id)
        .group_by(Workshop.id)
        .order_by(Workshop.starts_at.desc())
    ).all()
    return [{"workshop": w, "invited": n, "attending": attending, "attended": came} for w, n, attending, came in rows]
