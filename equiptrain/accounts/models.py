"""Organisations hold teams; people belong to teams as members or managers; some people are trainers."""
from __future__ import annotations

import datetime as dt
import enum
import secrets

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, false, select
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
        return {"community": "Community mental health", "inpatient": "Inpatient",
                "crisis": "Crisis and home treatment", "later_life": "Later life",
                "early_intervention": "Early intervention", "other": "Other"}[self.value]


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


class TrainerKind(str, enum.Enum):
    PROFESSIONAL = "professional"
    SERVICE_USER = "service_user"
    CARER = "carer"

    @property
    def label(self) -> str:
        return {"professional": "Professional trainer", "service_user": "Service-user trainer",
                "carer": "Carer trainer"}[self.value]

    @property
    def lived_experience(self) -> bool:
        return self is not TrainerKind.PROFESSIONAL


class MembershipRole(str, enum.Enum):
    MEMBER = "member"
    MANAGER = "manager"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

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
    # Changes whenever the password does: signs out every other session and spends outstanding links.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    # Sees the organisation's training dashboards without administering people.
    is_programme_lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    deactivated_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")
    trainer_profile: Mapped[TrainerProfile | None] = relationship(back_populates="user", uselist=False,
                                                                  cascade="all, delete-orphan")

    # Flask-Login: the id carries the nonce, so a password change ends other sessions.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_admin(self) -> bool:
        return self.is_org_admin or self.is_platform_admin

    # is_trainer and is_manager: column properties (end of this module), loaded with the user in one query.

    @property
    def managed_team_ids(self) -> set[int]:
        return {m.team_id for m in self.memberships if m.role is MembershipRole.MANAGER}

    @property
    def team_ids(self) -> set[int]:
        return {m.team_id for m in self.memberships}

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role: Mapped[MembershipRole] = mapped_column(str_enum(MembershipRole, "membership_role"),
                                                 default=MembershipRole.MEMBER)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(back_populates="memberships")


class TrainerProfile(Base):
    __tablename__ = "trainer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    kind: Mapped[TrainerKind] = mapped_column(str_enum(TrainerKind, "trainer_kind"))
    bio: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="trainer_profile")


# The roles every page's navigation and every role check need, computed by the database in the same query that
# loads the user (correlated EXISTS), so neither relationship has to be loaded on a plain page. They reflect the
# database as of the load: a change made in the same request is seen after the session next refreshes the user.
User.is_trainer = column_property(
    select(TrainerProfile.id).where(TrainerProfile.user_id == User.id).correlate_except(TrainerProfile).exists())
User.is_manager = column_property(
    select(Membership.id).where(Membership.user_id == User.id, Membership.role == MembershipRole.MANAGER)
    .correlate_except(Membership).exists())
