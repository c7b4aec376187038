"""New starters: someone who joins a team that has already had its core is offered a place at the next core
workshop of their organisation (or, when none is scheduled, their manager is asked to arrange a catch-up), and
the team's managers are told. Listens to `signals.member_joined`; mail goes out with the transaction."""

from __future__ import annotations

from sqlalchemy import select

from equiptrain import mail
from equiptrain.accounts.models import Membership, MembershipRole, Team, User
from equiptrain.auditlog.services import log_event
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.workshops import queries
from equiptrain.workshops.models import Invitation, Workshop, WorkshopKind, WorkshopStatus, workshop_teams


def team_had_core(team: Team) -> bool:
    """Whether a core workshop the team was invited to has been held (its last register signed off)."""
    return (
        db.session.scalar(
            select(Workshop.id)
            .join(workshop_teams, workshop_teams.c.workshop_id == Workshop.id)
            .where(
                workshop_teams.c.team_id == team.id,
                Workshop.kind == WorkshopKind.CORE,
                Workshop.signed_off_at.is_not(None),
                Workshop.status != WorkshopStatus.CANCELLED,
            )
            .limit(1)
        )
        is not None
    )


def next_core(team: Team) -> Workshop | None:
    """The next published core workshop of the team's organisation still to start: one the team is invited to
    first, then the soonest."""
    rows = db.session.scalars(
        select(Workshop)
        .where(
            Workshop.organisation_id == team.organisation_id,
            Workshop.kind == WorkshopKind.CORE,
            Workshop.status == WorkshopStatus.PUBLISHED,
            Workshop.starts_at > utcnow(),
        )
        .order_by(Workshop.starts_at)
    ).all()
    return next((w for w in rows if team in w.teams), rows[0] if rows else None)


def offer_place(user: User, team: Team) -> Workshop | None:
    """Invite `user` to the next core workshop their team can take (`next_core`); the workshop, or None when no
    core is scheduled (then a manager is to arrange a catch-up session). Sends nothing: the caller says why."""
    workshop = next_core(team)
    if workshop is not None and not any(i.user_id == user.id for i in workshop.invitations):
        workshop.invitations.append(Invitation(user=user))
        db.session.flush()
    return workshop


def managers_of(team: Team, besides: User) -> list[User]:
    """The team's active managers (but `besides`)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.team_id == team.id,
                Membership.role == MembershipRole.MANAGER,
                User.deactivated_at.is_(None),
                User.id != besides.id,
            )
        )
    )


def offer_next_core(user: User, *, team: Team, role: MembershipRole, actor: User | None = None) -> Workshop | None:
    """Offer a new starter the next core when their team has had its own; tell the team's managers. Returns the
    workshop offered, or None (no offer needed, or none scheduled: the managers are asked for a catch-up)."""
    if user.is_student or user.deactivated_at is not None:
        return None
    if not team_had_core(team) or queries.core_attendance([user.id]):
        return None
    workshop = offer_place(user, team)
    managers = managers_of(team, user)
    if workshop is None:
        for manager in managers:
            mail.send(
                manager.email,
                f"New starter {user.name}: no EQUIP core workshop is scheduled",
                f"Hello {manager.name},\n\n{user.name} has joined {team.name}, which has had its EQUIP core "
                "workshop. No core workshop is scheduled yet in your organisation, so please arrange a catch-up "
                "session with a lived-experience trainer and a professional trainer, or ask your EQUIP "
                "administrator to schedule the next core.\n\n"
                f"Your team's page: {mail.external_url('dashboards.team', team_id=team.id)}\n",
            )
        log_event("newstarter.no_core", actor, user, organisation_id=team.organisation_id, team=team.name)
        return None
    url = mail.external_url("workshops.detail", workshop_id=workshop.id)
    mail.send(
        user.email,
        f"A place for you at the EQUIP core: {workshop.title}",
        f"Hello {user.name},\n\nWelcome to {team.name}. Your team has already taken part in the EQUIP core "
        "workshop, so you are offered a place at the next one, co-delivered by a lived-experience trainer and a "
        f"professional trainer.\n\n{workshop.title}\nStarts: {workshop.starts_at:%d %B %Y}\n\n"
        f"Reply on the workshop page: {url}\n",
    )
    for manager in managers:
        mail.send(
            manager.email,
            f"New starter {user.name} offered a place at the EQUIP core",
            f"Hello {manager.name},\n\n{user.name} has joined {team.name}. As the team has had its EQUIP core, "
            f"they have been offered a place at {workshop.title}, starting {workshop.starts_at:%d %B %Y}. "
            "Please make sure they can be released to attend both days.\n\n"
            f"The workshop: {url}\n",
        )
    log_event("newstarter.offered", actor, user, organisation_id=team.organisation_id, workshop_id=workshop.id)
    return workshop


def on_member_joined(user: User, **facts) -> None:
    offer_next_core(user, team=facts["team"], role=facts["role"], actor=facts.get("actor"))
