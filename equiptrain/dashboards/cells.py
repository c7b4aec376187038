"""The matrix's small repeated pieces (status tags, dates) as Python functions: a page of 200 people x 6 modules
calls them thousands of times, where a Jinja macro call costs far more than the string it makes."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from equiptrain.dashboards.requirements import STATUS_LABELS
from equiptrain.learning.models import ProgressStatus

_TAGS = {
    status: Markup(f'<strong class="nhsuk-tag nhsuk-tag--{status.colour}">{status.label}</strong>')
    for status in STATUS_LABELS
}
OVERDUE = Markup('<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>')


def day(value: dt.date | dt.datetime | None, empty: str = "–") -> str:
    return value.strftime("%d %b %Y") if value else empty


def status_tag(status: str) -> Markup:
    return _TAGS[ProgressStatus(status)]


def overdue_tag() -> Markup:
    return OVERDUE


EXPIRED = Markup('<strong class="nhsuk-tag nhsuk-tag--red">Expired</strong>')


def expiry_note(expires: dt.date | None, on: dt.date | None = None) -> Markup:
    """ "Expires on" a date, or an "Expired" tag with the date; nothing for what does not expire."""
    if expires is None:
        return Markup("")
    if expires <= (on or dt.datetime.now(dt.UTC).date()):
        return EXPIRED + Markup(' <span class="nhsuk-body-s">on ') + day(expires) + Markup("</span>")
    return Markup('<span class="nhsuk-body-s">Expires on ') + day(expires) + Markup("</span>")


def module_cell(cell, requirements=None, module_id: int | None = None) -> Markup:
    """A module's tag and date; for a completion that expires (the module's expiry in the organisation's training
    requirements), "expires on" or an "Expired" tag."""
    if cell is None:
        return _TAGS[ProgressStatus.NOT_STARTED]
    out = _TAGS[cell.status] + Markup(' <span class="nhsuk-body-s">') + day(cell.on) + Markup("</span>")
    if requirements is not None and module_id is not None and cell.status == ProgressStatus.COMPLETE:
        expires = requirements.module_expiry(module_id, cell.on)
        if expires is not None:
            out += Markup("<br>") + expiry_note(expires)
    return out


def core_cell(on: dt.date | None, expires: dt.date | None) -> Markup:
    """The core workshop: when attended (or "Not yet"), and when that expires."""
    if on is None:
        return Markup("Not yet")
    out = Markup(day(on))
    return out + Markup("<br>") + expiry_note(expires) if expires is not None else out


HELPERS = {
    "day": day,
    "status_tag": status_tag,
    "overdue_tag": overdue_tag,
    "module_cell": module_cell,
    "core_cell": core_cell,
    "expiry_note": expiry_note,
}
