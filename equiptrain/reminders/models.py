"""A refresher: opened EXPIRY_NOTICE_DAYS before a completion expires; done when the learner has passed the
module's knowledge check and finished a solo practice again since it opened, which renews the completion."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from equiptrain.db import Base, utcnow


class Refresher(Base):
    __tablename__ = "refreshers"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    expires_on: Mapped[dt.date]
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None]
    whole_module: Mapped[bool] = mapped_column(default=False)  # its units are to be read again too
