"""Whole-team workshops: scheduling and co-delivery, invitations, the register, live role play, anonymous
feedback, and the support given to lived-experience trainers.

Anonymity of feedback is structural: `FeedbackResponse` has no column that leads to a person, the table of used
tokens holds only a hash and the workshop (no response link, no timestamp), and `FeedbackInvitation` (keyed to
the person) holds no response or token link.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Organisation, Team, User
from equiptrain.content.models import Module, Scenario
from equiptrain.db import Base, str_enum, utcnow

MAX_SESSIONS = 4  # sessions a workshop can run over (the core is two)


class WorkshopKind(str, enum.Enum):
    CORE = "core"
    SUPERVISION = "supervision"
    BOOSTER = "booster"

    @property
    def label(self) -> str:
        return {
            "core": "Core workshop",
            "supervision": "Team supervision (follow-up)",
            "booster": "Booster session (follow-up)",
        }[self.value]


class WorkshopStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Reply(str, enum.Enum):
    NONE = "none"
    ATTENDING = "attending"
    NOT_ATTENDING = "not_attending"
    WAITING = "waiting"

    @property
    def label(self) -> str:
        return {
            "none": "Not replied",
            "attending": "Attending",
            "not_attending": "Not attending",
            "waiting": "On the waiting list",
        }[self.value]


class AttendanceStatus(str, enum.Enum):
    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"
    LEFT_EARLY = "left_early"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def attended(self) -> bool:
        return self is not AttendanceStatus.ABSENT


class Role(str, enum.Enum):
    PRACTITIONER = "practitioner"
    SERVICE_USER = "service_user"
    CARER = "carer"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class PaymentStatus(str, enum.Enum):
    NOT_CLAIMED = "not_claimed"
    CLAIMED = "claimed"
    PAID = "paid"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


workshop_modules = Table(
    "workshop_modules",
    Base.metadata,
    Column("workshop_id", ForeignKey("workshops.id"), primary_key=True),
    Column("module_id", ForeignKey("modules.id"), primary_key=True),
)

workshop_teams = Table(
    "workshop_teams",
    Base.metadata,
    Column("workshop_id", ForeignKey("workshops.id"), primary_key=True),
    Column("team_id", ForeignKey("teams.id"), primary_key=True),
)


def new_calendar_uid() -> str:
    """A UUID at the site's host: globally unique, as RFC 5545 asks of a UID."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname if has_app_context() else None
    return f"{uuid.uuid4()}@{host or 'equiptrain.invalid'}"


class Workshop(Base):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[WorkshopKind] = mapped_column(str_enum(WorkshopKind, "workshop_kind"), default=WorkshopKind.CORE)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"), index=True)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    room: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int]
    status: Mapped[WorkshopStatus] = mapped_column(
        str_enum(WorkshopStatus, "workshop_status"), default=WorkshopStatus.DRAFT
    )
    published_at: Mapped[dt.datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: bumped on each change sent
    # iCalendar UID (RFC 5545: globally unique): a UUID at the site's host, fixed at creation so every update and
    # cancellation names the same event, whatever PUBLIC_URL becomes later.
    calendar_uid: Mapped[str] = mapped_column(String(200), unique=True, default=lambda: new_calendar_uid())
    # Set when the last session's register is signed off: everyone's attendance of the whole workshop is known.
    signed_off_at: Mapped[dt.datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[dt.datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    sessions: Mapped[list[WorkshopSession]] = relationship(
        back_populates="workshop", order_by="WorkshopSession.number", cascade="all, delete-orphan"
    )
    follow_up_of: Mapped[Workshop | None] = relationship(remote_side=[id])
    modules: Mapped[list[Module]] = relationship(secondary=workshop_modules, order_by=Module.position)
    teams: Mapped[list[Team]] = relationship(secondary=workshop_teams, order_by=Team.name)
    facilitators: Mapped[list[Facilitator]] = relationship(back_populates="workshop", cascade="all, delete-orphan")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="workshop", cascade="all, delete-orphan")
    overrides: Mapped[list[CoDeliveryOverride]] = relationship(back_populates="workshop")

    @property
    def is_published(self) -> bool:
        return self.status is WorkshopStatus.PUBLISHED

    @property
    def duration_hours(self) -> float:
        """Hours in session (the sum of the sessions' lengths, not first start to last end)."""
        if not self.sessions:
            return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)
        return round(sum(s.duration_hours for s in self.sessions), 2)

    @property
    def cpd_hours(self) -> float:
        """A core workshop: its modules' participatory CPD hours, or its own length when they give none. A follow-up
        (team supervision, booster): the time in session, like any supervision."""
        total = sum(m.cpd_participatory_hours or 0 for m in self.modules) if self.kind is WorkshopKind.CORE else 0
        return round(total, 2) if total > 0 else self.duration_hours

    def session_cpd_hours(self, session: WorkshopSession) -> float:
        """The CPD hours one session earns: the workshop's hours shared by the sessions' lengths."""
        whole = sum(s.duration_hours for s in self.sessions) or 1
        return round(self.cpd_hours * session.duration_hours / whole, 2)

    @property
    def is_cancelled(self) -> bool:
        return self.status is WorkshopStatus.CANCELLED

    @property
    def place(self) -> str:
        return " / ".join(p for p in (self.room, self.online_url) if p) or "To be confirmed"

    @property
    def facilitator_ids(self) -> set[int]:
        return {f.user_id for f in self.facilitators}


class WorkshopSession(Base):
    """One sitting of a workshop (the core is two days, possibly a week apart), with its own time, check-in
    and register. A one-day workshop has one session."""

    __tablename__ = "workshop_sessions"
    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    number: Mapped[int]
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    checkin_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    checkin_open: Mapped[bool] = mapped_column(default=False)
    signed_off_at: Mapped[dt.datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Each session is its own calendar event (RFC 5546: one iTIP message is about one UID): its UID is fixed when
    # the session is made (the first session's is the workshop's), and its SEQUENCE rises with each change sent.
    calendar_uid: Mapped[str] = mapped_column(String(200), unique=True, default=lambda: new_calendar_uid())
    sequence: Mapped[int] = mapped_column(default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="sessions")

    @property
    def duration_hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)

    @property
    def label(self) -> str:
        return f"Session {self.number}"


class Facilitator(Base):
    __tablename__ = "facilitators"
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    workshop: Mapped[Workshop] = relationship(back_populates="facilitators")
    user: Mapped[User] = relationship()


class CoDeliveryOverride(Base):
    """An admin published without the co-delivery pair, giving a written reason (shown in reports)."""

    __tablename__ = "co_delivery_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    missing: Mapped[str] = mapped_column(String(200))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="overrides")
    by: Mapped[User | None] = relationship()


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reply: Mapped[Reply] = mapped_column(str_enum(Reply, "invitation_reply"), default=Reply.NONE)
    waiting_since: Mapped[dt.datetime | None]
    # A place offered to someone from the waiting list, held for them until they confirm or this passes.
    offer_expires_at: Mapped[dt.datetime | None]
    replied_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="invitations")
    user: Mapped[User] = relationship()


class Attendance(Base):
    """A person's attendance of one session."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AttendanceStatus | None] = mapped_column(str_enum(AttendanceStatus, "attendance_status"))
    checked_in_at: Mapped[dt.datetime | None]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    session: Mapped[WorkshopSession] = relationship()


class WorkshopResult(Base):
    """A person's attendance of a whole workshop, written when its last register is signed off: how many sessions
    they came to, whether that meets WORKSHOP_ATTENDANCE_SHARE (`attended`), and the CPD hours of those sessions.
    What the team-trained rule, completion rules and dashboards read."""

    __tablename__ = "workshop_results"
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sessions_attended: Mapped[int]
    sessions_total: Mapped[int]
    attended: Mapped[bool]
    hours: Mapped[float]
    established_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    workshop: Mapped[Workshop] = relationship()


class CalendarFeed(Base):
    """A person's private calendar feed; only a hash of its token is kept. Revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class RolePlayRound(Base):
    __tablename__ = "roleplay_rounds"
    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    number: Mapped[int]
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]

    workshop: Mapped[Workshop] = relationship()
    scenario: Mapped[Scenario] = relationship()
    groups: Mapped[list[RolePlayGroup]] = relationship(
        back_populates="round", order_by="RolePlayGroup.number", cascade="all, delete-orphan"
    )


class RolePlayGroup(Base):
    __tablename__ = "roleplay_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("roleplay_rounds.id"), index=True)
    number: Mapped[int]

    round: Mapped[RolePlayRound] = relationship(back_populates="groups")
    assignments: Mapped[list[RoleAssignment]] = relationship(back_populates="group", cascade="all, delete-orphan")


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("roleplay_rounds.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("roleplay_groups.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "roleplay_role"))

    group: Mapped[RolePlayGroup] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()


class ObserverFeedback(Base):
    """An observer's checklist and comments, seen only by the round's practitioner (and its author)."""

    __tablename__ = "observer_feedback"
    __table_args__ = (UniqueConstraint("group_id", "observer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("roleplay_groups.id"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)  # {behaviour slug: true/false}
    comments: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    group: Mapped[RolePlayGroup] = relationship()
    observer: Mapped[User] = relationship(foreign_keys=[observer_id])
    practitioner: Mapped[User] = relationship(foreign_keys=[practitioner_id])


class FeedbackInvitation(Base):
    """Who was asked for feedback (one row per attendee). No link to a token or a response."""

    __tablename__ = "feedback_invitations"
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UsedFeedbackToken(Base):
    """A spent feedback token, as a hash: it stops a second response and leads nowhere."""

    __tablename__ = "used_feedback_tokens"
    # No hidden rowid on SQLite: rows are kept in hash order, so nothing records the order of responses.
    __table_args__ = {"sqlite_with_rowid": False}

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)


class FeedbackResponse(Base):
    """An anonymous response: no person, no token, and only the day it was given."""

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    useful: Mapped[int]  # 1-5
    lived_experience_valuable: Mapped[int]  # 1-5
    do_differently: Mapped[str] = mapped_column(Text, default="")
    submitted_on: Mapped[dt.date]


class TrainerSupport(Base):
    """A lived-experience trainer's briefing, debrief, preparation time and payment for one workshop.
    Seen by that trainer and the programme's admins only."""

    __tablename__ = "trainer_supports"
    __table_args__ = (UniqueConstraint("workshop_id", "trainer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    briefing: Mapped[str] = mapped_column(Text, default="")
    briefing_at: Mapped[dt.datetime | None]
    debrief_how_it_went: Mapped[str] = mapped_column(Text, default="")
    debrief_support_wanted: Mapped[str] = mapped_column(Text, default="")
    debrief_at: Mapped[dt.datetime | None]
    preparation_minutes: Mapped[int] = mapped_column(default=0)
    payment_status: Mapped[PaymentStatus] = mapped_column(
        str_enum(PaymentStatus, "payment_status"), default=PaymentStatus.NOT_CLAIMED
    )
    claimed_at: Mapped[dt.datetime | None]
    paid_at: Mapped[dt.datetime | None]
    amount_pence: Mapped[int | None]  # what was paid, entered by the administrator who marks it paid

    workshop: Mapped[Workshop] = relationship()
    trainer: Mapped[User] = relationship()

    @property
    def amount(self) -> str:
        """The amount paid as pounds and pence ("£150.00"), or "" when none is recorded."""
        return "" if self.amount_pence is None else f"£{self.amount_pence / 100:,.2f}"
