"""A refresher: opened EXPIRY_NOTICE_DAYS before a completion expires. For a module (`module_id`), done when the
learner has passed the module's knowledge check and finished a solo practice again since it opened; for the core
(`core`, no module), done when the learner attends a core day (a core or catch-up workshop's session) after it
opened. Either renews the completion."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from equiptrain.db import Base, utcnow


class Refresher(Base):
    __tablename__ = "refreshers"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "expires_on"),
        # One core refresher per person and expiry (the unique constraint above does not hold for a NULL module).
        Index(
            "uq_refreshers_core",
            "user_id",
            "expires_on",
            unique=True,
            sqlite_where=text("core"),
            postgresql_where=text("core"),
        ),
        CheckConstraint("(core AND module_id IS NULL) OR (NOT core AND module_id IS NOT NULL)", name="core_or_module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), index=True)
    core: Mapped[bool] = mapped_column(default=False, server_default=false())  # the core, not a module
    expires_on: Mapped[dt.date]
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None]
    whole_module: Mapped[bool] = mapped_column(default=False)  # its units are to be read again too
