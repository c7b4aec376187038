"""Adding students on placement and listing them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.invitations import queue_invitations
from equiptrain.accounts.models import Membership, MembershipRole, Organisation, Profession, Team, User
from equiptrain.accounts.services import administers, create_user, set_membership
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db


def add_student(
    actor: User, organisation: Organisation, *, name: str, email: str, university: str, team: Team, ends_on: dt.date
) -> User:
    """A student account linked to a university and a placement team; an invitation to set a password is queued."""
    if not administers(actor, organisation.id):
        raise ServiceError("Only the organisation's administrators add students on placement.")
    if team.organisation_id != organisation.id:
        raise ServiceError("Choose a placement team of this organisation.", "team")
    university = (university or "").strip()
    if not university or len(university) > 200:
        raise ServiceError("Give the student's university, in 200 characters or fewer.", "university")
    if ends_on < utcnow().date():
        raise ServiceError("The placement end date has passed: give the date the placement ends.", "ends_on")
    user = create_user(actor, name=name, email=email, profession=Profession.STUDENT, organisation=organisation)
    user.university, user.placement_ends_on = university, ends_on
    set_membership(actor, user, team, MembershipRole.MEMBER)
    db.session.flush()
    log_event("student.added", actor, user, organisation_id=organisation.id, university=university, team=team.name)
    queue_invitations(actor, organisation, [user])
    return user


def students(organisation: Organisation) -> list[User]:
    """The organisation's students, with their placement teams (two queries)."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id, User.university.is_not(None))
            .options(selectinload(User.memberships).selectinload(Membership.team))
            .order_by(User.name)
        )
    )
