"""The revalidation pack as a PDF: chosen NMC reflective accounts laid out as the NMC form, and the CPD log
with totals for the chosen window."""

from __future__ import annotations

import datetime as dt

from flask import render_template
from sqlalchemy import select

from equiptrain.accounts.models import User
from equiptrain.extensions import db
from equiptrain.markdown import render_user_text
from equiptrain.reflection import cpd
from equiptrain.reflection.kinds import CODE_THEMES
from equiptrain.reflection.models import ReflectiveEntry


def chosen_accounts(user: User, entry_ids: list[int]) -> list[ReflectiveEntry]:
    """The author's own NMC reflective accounts among `entry_ids`, oldest first (others' ids are ignored)."""
    if not entry_ids:
        return []
    return list(
        db.session.scalars(
            select(ReflectiveEntry)
            .where(
                ReflectiveEntry.author_id == user.id,
                ReflectiveEntry.template == "nmc",
                ReflectiveEntry.id.in_(entry_ids),
            )
            .order_by(ReflectiveEntry.created_at)
        )
    )


def pack_html(user: User, ends: dt.date, entry_ids: list[int]) -> str:
    totals = cpd.totals(user, ends)
    return render_template(
        "reflection/pack.html",
        user=user,
        totals=totals,
        entries=cpd.entries_in_window(user, totals.starts, totals.ends),
        accounts=chosen_accounts(user, entry_ids),
        themes=CODE_THEMES,
        kinds=cpd.KINDS,
        generated=dt.date.today(),
        render_user_text=render_user_text,
    )


def revalidation_pack(user: User, ends: dt.date, entry_ids: list[int]) -> bytes:
    """The PDF bytes of the pack."""
    from weasyprint import HTML  # slow to import: only when a pack is made

    return HTML(string=pack_html(user, ends, entry_ids)).write_pdf()
