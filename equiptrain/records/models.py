"""Tables of the trust-records feature: per-organisation settings, the ESR assignments a staff sync keeps, team
moves, sync runs, competence exports and their lines, and the xAPI statement outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Organisation, Team, User
from equiptrain.db import Base, utcnow


class RecordsSettings(Base):
    """One organisation's settings for its staff file, team mapping, competence export and xAPI actor."""

    __tablename__ = "records_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    # {field: column header} overriding staffsync.DEFAULT_COLUMNS, and the date format of the staff file.
    columns: Mapped[dict] = mapped_column(JSON, default=dict)
    date_format: Mapped[str] = mapped_column(String(40), default="%d/%m/%Y")
    # A sync refuses (unless forced) to deactivate more than this share of the organisation's active people.
    deactivation_share: Mapped[float] = mapped_column(Float, default=0.1)
    # {achievement key: competence name}, keys as esr.achievement_keys() lists them.
    competences: Mapped[dict] = mapped_column(JSON, default=dict)
    # xAPI: the actor's account home page (the organisation's address) and whether its name is the employee number.
    home_page: Mapped[str | None] = mapped_column(String(300))
    actor_employee_number: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class TeamMapping(Base):
    """An organisation unit or cost centre in the staff file, and the EquipTrain team its people belong to."""

    __tablename__ = "records_team_mappings"
    __table_args__ = (UniqueConstraint("organisation_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    unit: Mapped[str] = mapped_column(String(200))  # compared without regard to case
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)

    team: Mapped[Team] = relationship()


class StaffAssignment(Base):
    """One ESR assignment of a person, as the last staff sync saw it."""

    __tablename__ = "records_staff_assignments"
    __table_args__ = (UniqueConstraint("organisation_id", "employee_number", "assignment_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    employee_number: Mapped[str] = mapped_column(String(50))
    assignment_number: Mapped[str] = mapped_column(String(50), default="")
    staff_group: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    synced_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class NotInEsr(Base):
    """Someone an administrator marked as not employed through ESR: a sync never deactivates them."""

    __tablename__ = "records_not_in_esr"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TeamMove(Base):
    """A person's move between teams recorded by a staff sync: the history the memberships alone do not keep."""

    __tablename__ = "records_team_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    from_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    to_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    moved_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StaffSyncRun(Base):
    """An uploaded staff file: previewed first, applied once confirmed. Keeps the file until it is applied."""

    __tablename__ = "records_staff_sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)  # cleared once applied
    full: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # counts of the preview, then of the result
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[dt.datetime | None]


class EsrExport(Base):
    """One competence export: what it held is kept line by line, so the next holds only what changed."""

    __tablename__ = "records_esr_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # "incremental" (changes since the last incremental) or "range" (achieved between since and until).
    kind: Mapped[str] = mapped_column(String(16))
    since: Mapped[dt.date | None]
    until: Mapped[dt.date | None]
    achieved: Mapped[int] = mapped_column(default=0)
    revoked: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lines: Mapped[list[EsrExportLine]] = relationship(
        back_populates="export", cascade="all, delete-orphan", order_by="EsrExportLine.id"
    )


class EsrExportLine(Base):
    __tablename__ = "records_esr_export_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("records_esr_exports.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    achievement: Mapped[str] = mapped_column(String(120))
    employee_number: Mapped[str] = mapped_column(String(50))
    assignment_number: Mapped[str] = mapped_column(String(50), default="")
    competence: Mapped[str] = mapped_column(String(300))
    achieved_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]
    revoked: Mapped[bool] = mapped_column(default=False)

    export: Mapped[EsrExport] = relationship(back_populates="lines")


class XapiActor(Base):
    """The opaque, stable id a person has in xAPI statements (never their name or email)."""

    __tablename__ = "records_xapi_actors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(36), unique=True)


class XapiStatement(Base):
    """A statement waiting for, or delivered to, the organisation's learning record store (a durable outbox)."""

    __tablename__ = "records_xapi_statements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the statement's own id (UUID v5 of the event)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    verb: Mapped[str] = mapped_column(String(40))
    statement: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(8), default="pending", index=True)  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
