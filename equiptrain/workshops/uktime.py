"""The workshops blueprint, shared by `views` (scheduling, invitations, feedback, support, reports) and
`console` (the day itself: register, check-in, console, role play); plus UK-time helpers for both."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint

bp = Blueprint("workshops", __name__)

UK = ZoneInfo("Europe/London")


def from_uk(naive: dt.datetime) -> dt.datetime:
    """A time entered in a form (UK local time) as an aware UTC datetime."""
    return naive.replace(tzinfo=UK).astimezone(dt.timezone.utc)


def to_uk(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UK)


@bp.app_template_filter("uk_time")
def uk_time(value: dt.datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    return to_uk(value).strftime(fmt) if value else ""
