"""The involvement measure's rounds and responses.

Privacy is structural: a `MeasureResponse` has no column for a person (no account, name, contact, device, address
or time of day), and no link to any member of staff, including whoever typed in a paper form (only that it came
on paper). Its one free-text field passes the anonymisation guard before it is stored. The per-device limit lives
in a signed cookie on the device, not in the database, so nothing ties a response to a device.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.accounts.models import Team
from equiptrain.content.models import MeasureInstrument
from equiptrain.db import Base, str_enum, utcnow

COMMENT_MAX = 500


class MeasureRoundKind(str, enum.Enum):
    BASELINE = "baseline"
    FOLLOW_UP = "follow_up"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "baseline": "Baseline (before the core workshop)",
            "follow_up": "Follow-up (about six months after the core)",
            "other": "Another round",
        }[self.value]


class Respondent(str, enum.Enum):
    SERVICE_USER = "service_user"
    CARER = "carer"

    @property
    def label(self) -> str:
        return {"service_user": "Service users", "carer": "Carers"}[self.value]


class ResponseMode(str, enum.Enum):
    PHONE = "phone"  # answered by the person on their own device (phone, tablet or computer)
    PAPER = "paper"  # answered on paper and typed in by staff


class MeasureRound(Base):
    """A team's round of the measure: open from `opens_on` to `closes_on` (or until closed early); results only
    after it closes, and only with at least MIN_GROUP_SIZE responses."""

    __tablename__ = "measure_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("measure_instruments.id"))
    content_hash: Mapped[str] = mapped_column(String(64))  # the instrument as it was when the round opened
    definition: Mapped[dict] = mapped_column(JSON, default=dict)  # frozen copy: scores never move with an edit
    label: Mapped[str] = mapped_column(String(120))
    kind: Mapped[MeasureRoundKind] = mapped_column(str_enum(MeasureRoundKind, "measure_round_kind"))
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date]
    token: Mapped[str] = mapped_column(String(16), unique=True)  # the short link's code
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]  # closed early by staff; otherwise closed once closes_on has passed

    team: Mapped[Team] = relationship()
    instrument: Mapped[MeasureInstrument] = relationship()

    def is_closed(self, today: dt.date) -> bool:
        return self.closed_at is not None or today > self.closes_on

    def is_accepting(self, today: dt.date) -> bool:
        return not self.is_closed(today) and today >= self.opens_on


class MeasureResponse(Base):
    """One anonymous set of answers: {statement slug: 1..5, or None for 'does not apply'}."""

    __tablename__ = "measure_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("measure_rounds.id"), index=True)
    respondent: Mapped[Respondent] = mapped_column(str_enum(Respondent, "measure_respondent"))
    mode: Mapped[ResponseMode] = mapped_column(str_enum(ResponseMode, "measure_response_mode"))
    easy_read: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)  # checked by the anonymisation guard
    submitted_on: Mapped[dt.date]  # the day only

    round: Mapped[MeasureRound] = relationship()
