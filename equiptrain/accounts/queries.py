"""Read-only queries for the people and team pages."""

from __future__ import annotations

from flask import abort, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from equiptrain.accounts.models import Membership, Organisation, Team, User
from equiptrain.db import db_id
from equiptrain.extensions import db

PAGE_SIZE = 50


def admin_organisation(user: User) -> Organisation:
    """The organisation an admin page is about: their own, or (platform admins) the one they chose."""
    if user.is_platform_admin:
        org_id = request.args.get("org", type=db_id) or request.form.get("org", type=db_id) or user.organisation_id
        org = db.session.get(Organisation, org_id) if org_id else None
        if org is None:
            org = db.session.scalar(select(Organisation).order_by(Organisation.name).limit(1))
        if org is None:
            abort(404, "There are no organisations yet. Create one first.")
        return org
    if user.organisation is None:
        abort(403)
    return user.organisation


def people_page(org: Organisation, search: str = "", team_id: int | None = None, page: int = 1):
    """One page of people in an organisation, with their teams loaded in the same round trip."""
    stmt = select(User).where(User.organisation_id == org.id)
    if search:
        like = f"%{search.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(User.name).like(like),
                User.email.like(like),
                func.lower(func.coalesce(User.employee_number, "")).like(like),
            )
        )
    if team_id:
        stmt = stmt.where(User.memberships.any(Membership.team_id == team_id))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    people = db.session.scalars(
        stmt.options(selectinload(User.memberships).selectinload(Membership.team), selectinload(User.trainer_profile))
        .order_by(User.name)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return people, total


def teams_with_counts(org: Organisation):
    """Each team of the organisation with its number of active members."""
    counts = (
        select(Membership.team_id, func.count(Membership.id).label("n"))
        .join(User, User.id == Membership.user_id)
        .where(User.deactivated_at.is_(None))
        .group_by(Membership.team_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Team, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.team_id == Team.id)
        .where(Team.organisation_id == org.id)
        .order_by(Team.name)
    ).all()
    return rows


def team_members(team: Team) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(User)
            .where(Membership.team_id == team.id)
            .options(selectinload(Membership.user))
            .order_by(Membership.role, User.name)
        )
    )  # managers first


def organisations_for(user: User) -> list[Organisation]:
    if user.is_platform_admin:
        return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    return [user.organisation] if user.organisation else []
