"""The outbox (every email, and later other deliveries), the claims that make a periodic task run once per
period, and the organisation's and person's choices about scheduled messages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from equiptrain.db import Base, utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutboxItem(Base):
    """One delivery, written in the transaction that causes it and marked sent once the far end accepts it.

    `kind` names the deliverer ("email"; other features register theirs); `category` says what it is for
    ("password_reset", "deadline_reminder"...), `dedupe_key` makes a scheduled message go once. Emails keep the
    whole message (with its Message-ID) in `body`, so a resend is byte for byte the same message."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None]


class ScheduleRun(Base):
    """A periodic task's claim on one period: the unique pair is what makes it run once across consumers."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("name", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class MessageSetting(Base):
    """An organisation's choices for its scheduled messages: one row per message switched off, and the digest's
    weekday (0 Monday .. 6 Sunday) on the row named "digest_weekday"."""

    __tablename__ = "message_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    value: Mapped[int | None]


class MessageOptOut(Base):
    """A person who has chosen not to receive one kind of scheduled message (the manager digest)."""

    __tablename__ = "message_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
