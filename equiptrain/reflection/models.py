"""Reflective entries and their shares, CPD entries and confidence answers: all owned by one learner."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import User
from equiptrain.content.models import Module, Scenario, Unit
from equiptrain.db import Base, utcnow


class ReflectiveEntry(Base):
    """A private reflection. Only its author reads it, and one supervisor while the author shares it."""

    __tablename__ = "reflective_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    template: Mapped[str] = mapped_column(String(16))  # a key of kinds.TEMPLATES
    title: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)  # {field key: text or list of code themes}
    prompt_slug: Mapped[str | None] = mapped_column(String(80))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"), index=True)
    observer_feedback_id: Mapped[int | None] = mapped_column(ForeignKey("observer_feedback.id"), index=True)
    guard_outcome: Mapped[str] = mapped_column(String(16))  # "clean" or "confirmed"
    guard_matches: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[dt.datetime | None]

    author: Mapped[User] = relationship()
    module: Mapped[Module | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    scenario: Mapped[Scenario | None] = relationship()
    shares: Mapped[list[Share]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Share.shared_at"
    )

    @property
    def active_share(self) -> Share | None:
        return next((s for s in self.shares if s.revoked_at is None), None)


class Share(Base):
    """An entry shared with one supervisor; revoking ends it (kept, with the time, for the record)."""

    __tablename__ = "reflection_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("reflective_entries.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    shared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]

    entry: Mapped[ReflectiveEntry] = relationship(back_populates="shares")
    supervisor: Mapped[User] = relationship()


class CPDEntry(Base):
    """Continuing professional development: added by completions and attendance, or by hand."""

    __tablename__ = "cpd_entries"
    # source_ref makes automatic entries idempotent ("module:<slug>", "workshop:<id>"); NULL for manual ones.
    __table_args__ = (UniqueConstraint("user_id", "source_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    date: Mapped[dt.date]
    hours: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))  # "participatory" or "individual"
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # "module", "workshop" or "manual"
    source_ref: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class ConfidenceResponse(Base):
    """A learner's answers to the confidence scale before or after a module: {item slug: 1..5}."""

    __tablename__ = "confidence_responses"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    phase: Mapped[str] = mapped_column(String(8))  # "before" or "after"
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship()
