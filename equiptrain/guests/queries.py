"""Read-only queries about guests: a workshop's guests (counts per workshop: `workshops.queries.guest_counts`)."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain.accounts.models import GuestAccess, User
from equiptrain.extensions import db
from equiptrain.workshops.models import (
    Attendance,
    Invitation,
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
