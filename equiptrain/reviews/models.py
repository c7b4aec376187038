"""A review comment on one unit, left by a service-user or carer trainer, with the course team's decision."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import User
from equiptrain.content.models import Unit
from equiptrain.db import Base, str_enum, utcnow
from equiptrain.errors import ServiceError


class CommentState(str, enum.Enum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ReviewComment(Base):
    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The author's trainer role when they wrote it ("service_user" or "carer"), kept if their profile changes.
    author_role: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    # The unit's content hash when the comment was written: the list says when the page has changed since.
    unit_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[CommentState] = mapped_column(
        str_enum(CommentState, "comment_state"), default=CommentState.OPEN, index=True
    )
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def decide(self, state: CommentState, reason: str | None, by: User) -> None:
        """Accept, or decline with a reason; a decided comment can be reopened by deciding it again."""
        if state is CommentState.DECLINED and not (reason or "").strip():
            raise ServiceError(
                "Say why the comment is declined: the trainer who wrote it will read the reason.", field="reason"
            )
        if state is CommentState.OPEN:
            self.decision_reason, self.decided_by, self.decided_at = None, None, None
        else:
            self.decision_reason = (reason or "").strip() or None
            self.decided_by, self.decided_at = by, utcnow()
        self.state = state
