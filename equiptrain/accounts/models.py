"""Organisations hold teams; people belong to teams as members or managers (trainers: `equiptrain.trainers`)."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from equiptrain.db import Base, str_enum, utcnow


class TeamSetting(str, enum.Enum):
    COMMUNITY = "community"
    INPATIENT = "inpatient"
    CRISIS = "crisis"
    LATER_LIFE = "later_life"
    EARLY_INTERVENTION = "early_intervention"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "community": "Community mental health",
            "inpatient": "Inpatient",
            "crisis": "Crisis and home treatment",
            "later_life": "Later life",
            "early_intervention": "Early intervention",
            "other": "Other",
        }[self.value]


class Profession(str, enum.Enum):
    NURSE = "nurse"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    SOCIAL_WORKER = "social_worker"
    PSYCHIATRIST = "psychiatrist"
    PSYCHOLOGIST = "psychologist"
    SUPPORT_WORKER = "support_worker"
    PEER_SUPPORT_WORKER = "peer_support_worker"
    GP = "gp"
    STUDENT = "student"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"gp": "GP"}.get(self.value, self.value.replace("_", " ").capitalize())


class MembershipRole(str, enum.Enum):
    MEMBER = "member"
    MANAGER = "manager"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The training team's address: the ORGANIZER of calendar invitations (replies go there).
    training_email: Mapped[str | None] = mapped_column(String(254))

    teams: Mapped[list[Team]] = relationship(back_populates="organisation", order_by="Team.name")


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    setting: Mapped[TeamSetting] = mapped_column(str_enum(TeamSetting, "team_setting"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="teams")
    memberships: Mapped[list[Membership]] = relationship(back_populates="team", cascade="all, delete-orphan")


class User(UserMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see services.normalise_email), so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[Profession] = mapped_column(str_enum(Profession, "profession"))
    employee_number: Mapped[str | None] = mapped_column(String(50))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Changes whenever the password does: spends outstanding invitation and reset links.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    # A pre-registration student on placement: their university (None for staff) and when the placement ends.
    # Their placement team is an ordinary membership; they take the course without the team-only parts.
    university: Mapped[str | None] = mapped_column(String(200))
    placement_ends_on: Mapped[dt.date | None]
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    # Sees the organisation's training dashboards without administering people.
    is_programme_lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    deactivated_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login: the id kept in the session cookie is the secret token of this sign-in's UserSession row
    # (set by services.start_session or the user loader), so ending the row on the server ends the session.
    if TYPE_CHECKING:  # declared for type checkers only: a plain annotation here would be read as a column
        session_token: str | None
    session_token = None  # not a column: set per request

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("get_id() before services.start_session(): a signed-in session needs a row")
        return self.session_token

    # UserMixin compares users by get_id(), which is now per session; the session's identity map already gives
    # one object per row, so identity is the right equality.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_admin(self) -> bool:
        return self.is_org_admin or self.is_platform_admin

    @property
    def is_student(self) -> bool:
        """A student on placement: the course without the team-only parts (workshops, the core, supervision)."""
        return self.university is not None

    # is_manager: a column property (end of this module), loaded with the user in one query. The trainer role's
    # records live in `equiptrain.trainers`, which adds `is_trainer` and `trainer_profile` (the active profile) to
    # this class the same way, so this module need not import it.
    if TYPE_CHECKING:
        trainer_profile: Any  # trainers.models.TrainerProfile | None

    @property
    def managed_team_ids(self) -> set[int]:
        return {m.team_id for m in self.memberships if m.role is MembershipRole.MANAGER}

    @property
    def team_ids(self) -> set[int]:
        return {m.team_id for m in self.memberships}

    # is_guest: a column property too (end of this module): an account limited to the workshops it was invited to.

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(Base):
    """One signed-in browser. The cookie holds a random token; the row holds only its SHA-256, so a copy of the
    database signs nobody in. Deleting the row signs that browser out on every app server at its next request."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # "Keep me signed in": lasts REMEMBER_DAYS from sign-in however idle; otherwise SESSION_IDLE_HOURS idle ends it.
    remember: Mapped[bool] = mapped_column(default=False, server_default=false())


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role: Mapped[MembershipRole] = mapped_column(
        str_enum(MembershipRole, "membership_role"), default=MembershipRole.MEMBER
    )
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(back_populates="memberships")


class GuestAccess(Base):
    """A guest's place at one workshop: someone from outside the team and the organisation (a GP, an advocate, a
    peer worker, carers' centre staff) whose account opens that workshop's pages and nothing else (see `authz`)."""

    __tablename__ = "guest_accesses"
    __table_args__ = (UniqueConstraint("user_id", "workshop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    role_description: Mapped[str] = mapped_column(String(200))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


# The roles every page's navigation and every role check need, computed by the database in the same query that
# loads the user (correlated EXISTS), so neither relationship has to be loaded on a plain page. They reflect the
# database as of the load: a change made in the same request is seen after the session next refreshes the user.
User.is_manager = column_property(
    select(Membership.id)
    .where(Membership.user_id == User.id, Membership.role == MembershipRole.MANAGER)
    .correlate_except(Membership)
    .exists()
)
User.is_guest = column_property(
    select(GuestAccess.id).where(GuestAccess.user_id == User.id).correlate_except(GuestAccess).exists()
)


class BulkInvitation(Base):
    """Invitations to the people an import added, sent in the background in batches. The state lives here, not
    in a worker's memory, so a restart loses nothing: an unfinished run carries on from `done`."""

    __tablename__ = "bulk_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    user_ids: Mapped[list] = mapped_column(JSON)  # who to invite, in order
    done: Mapped[int] = mapped_column(default=0)  # how many of user_ids have been dealt with
    sent: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)  # had set a password or left before their turn came
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation] = relationship()
    actor: Mapped[User | None] = relationship()

    @property
    def total(self) -> int:
        return len(self.user_ids)
