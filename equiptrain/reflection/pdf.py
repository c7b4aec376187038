"""The revalidation pack as a tagged PDF (PDF/UA-1), one kind per regulator (see `regulators`): the CPD log and
totals over the regulator's period, and the reflections the person chooses (NMC reflective accounts laid out as
the NMC form; other reflections with their own questions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template
from sqlalchemy import select

from equiptrain import tagged_pdf
from equiptrain.accounts.models import User
from equiptrain.extensions import db
from equiptrain.markdown import render_user_text
from equiptrain.reflection import cpd
from equiptrain.reflection.kinds import CODE_THEMES, TEMPLATES, text_fields
from equiptrain.reflection.models import CPDEntry, ReflectiveEntry
from equiptrain.reflection.regulators import Regulator

GAP_DAYS = 91  # HCPC asks for gaps of 3 months or more to be explained


def chosen_accounts(user: User, entry_ids: list[int], template: str | None = "nmc") -> list[ReflectiveEntry]:
    """The author's own reflections among `entry_ids` (only those on `template`, if given), oldest first; others'
    ids are ignored."""
    if not entry_ids:
        return []
    q = select(ReflectiveEntry).where(ReflectiveEntry.author_id == user.id, ReflectiveEntry.id.in_(entry_ids))
    if template is not None:
        q = q.where(ReflectiveEntry.template == template)
    return list(db.session.scalars(q.order_by(ReflectiveEntry.created_at)))


def window(regulator: Regulator, ends: dt.date) -> tuple[dt.date, dt.date]:
    """The regulator's period: `window_months` up to and including `ends`."""
    months = ends.year * 12 + ends.month - 1 - regulator.window_months
    year, month = divmod(months, 12)
    try:
        starts = ends.replace(year=year, month=month + 1)
    except ValueError:  # no such day in that month (31st, 29 February)
        starts = (ends.replace(year=year, month=month + 1, day=1) + dt.timedelta(days=31)).replace(day=1)
        starts -= dt.timedelta(days=1)
    return starts + dt.timedelta(days=1), ends


@dataclass(frozen=True)
class PackTotals:
    starts: dt.date
    ends: dt.date
    hours: float
    participatory: float
    reflections: int
    kinds: tuple[str, ...]  # the kinds of learning in the log
    gaps: tuple[tuple[dt.date, dt.date], ...]  # spells of GAP_DAYS or more with no CPD


def gaps(entries: list[CPDEntry], starts: dt.date, ends: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
    dates = sorted({e.date for e in entries})
    found, previous = [], starts
    for day in [*dates, ends + dt.timedelta(days=1)]:
        if (day - previous).days >= GAP_DAYS:
            found.append((previous, day - dt.timedelta(days=1)))
        previous = max(previous, day + dt.timedelta(days=1))
    return tuple(found)


def pack_totals(regulator: Regulator, entries: list[CPDEntry], accounts: list, starts, ends) -> PackTotals:
    return PackTotals(
        starts,
        ends,
        round(sum(e.hours for e in entries), 2),
        round(sum(e.hours for e in entries if e.kind == "participatory"), 2),
        len(accounts),
        tuple(sorted({e.kind for e in entries})),
        gaps(entries, starts, ends),
    )


def pack_html(user: User, ends: dt.date, entry_ids: list[int], regulator: Regulator) -> str:
    starts, ends = window(regulator, ends)
    entries = cpd.entries_in_window(user, starts, ends)
    accounts = chosen_accounts(user, entry_ids, regulator.template)
    totals = pack_totals(regulator, entries, accounts, starts, ends)
    if regulator.key == "nmc":  # the NMC counts every account written in the period, not only those chosen
        totals = PackTotals(**{**totals.__dict__, "reflections": cpd.totals(user, ends).accounts})
    return render_template(
        "reflection/pack.html",
        user=user,
        regulator=regulator,
        totals=totals,
        entries=entries,
        accounts=accounts,
        templates=TEMPLATES,
        text_fields=text_fields,
        themes=CODE_THEMES,
        kinds=cpd.KINDS,
        generated=dt.date.today(),
        render_user_text=render_user_text,
        lang="en-GB",
    )


def revalidation_pack(user: User, ends: dt.date, entry_ids: list[int], regulator: Regulator) -> bytes:
    """The PDF bytes of the pack."""
    return tagged_pdf.write(pack_html(user, ends, entry_ids, regulator))
