"""UK time for workshops: times are entered and shown in UK local time and stored in UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def from_uk(naive: dt.datetime) -> dt.datetime:
    """A time entered in a form (UK local time) as an aware UTC datetime."""
    return naive.replace(tzinfo=UK).astimezone(dt.UTC)


def to_uk(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UK)


def uk_time(value: dt.datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """The `uk_time` template filter."""
    return to_uk(value).strftime(fmt) if value else ""
