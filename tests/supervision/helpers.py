"""Builders for the supervision tests."""

from __future__ import annotations

from equiptrain.content.models import SupervisionTemplate
from equiptrain.extensions import db


def make_template(number: int) -> SupervisionTemplate:
    row = SupervisionTemplate(
        slug=f"session-{number}-template",
        number=number,
        title=f"Session {number}: audit",
        minutes=120,
        summary="Bring two anonymised care plans.",
        body_html="<h2>Agenda</h2><p>Audit two plans together.</p>",
        references=["Bee P (2015)."],
        content_hash="x",
    )
    db.session.add(row)
    db.session.flush()
    return row
