"""Builders for the reflection tests: modules, confidence items, entries (through the services) and shares."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from equiptrain.content.models import ConfidenceItem, Module, Scenario, Unit
from equiptrain.extensions import db
from equiptrain.reflection import services

_seq = itertools.count(1)
SECRET = "The quokka moment on the ward taught me to ask first"


def make_module(title: str | None = None, individual: float = 1.5, participatory: float = 3.0) -> Module:
    """A module with one unit, one scenario and two reflective prompts."""
    n = next(_seq)
    module = Module(
        slug=f"refl-module-{n}",
        position=900 + n,
        title=title or f"Reflection module {n}",
        summary="s",
        intro_html="<p>Intro</p>",
        estimated_minutes=60,
        cpd_individual_hours=individual,
        cpd_participatory_hours=participatory,
        requires_units=True,
        requires_quiz=False,
        requires_reflection=True,
        requires_practice=False,
        requires_workshop=False,
        content_hash="x",
        reflective_prompts=[
            {"slug": "whose-voice", "prompt": "Whose voice does the plan speak in?"},
            {"slug": "power", "prompt": "What powers come with your role?"},
        ],
    )
    db.session.add(module)
    db.session.flush()
    db.session.add(
        Unit(
            module_id=module.id,
            slug="unit",
            position=1,
            title=f"Unit {n}",
            minutes=10,
            body_html="<p>b</p>",
            content_hash="x",
        )
    )
    db.session.add(
        Scenario(
            module_id=module.id,
            slug="solo",
            kind="solo",
            position=1,
            title=f"Practice {n}",
            summary="s",
            setting="community",
            skills=[],
            data={"start": "a", "nodes": {}},
            content_hash="x",
        )
    )
    db.session.commit()
    return module


def confidence_items() -> list[ConfidenceItem]:
    """The confidence items in the database, creating three if there are none."""
    items = list(
        db.session.scalars(
            select(ConfidenceItem).where(ConfidenceItem.retired_at.is_(None)).order_by(ConfidenceItem.position)
        )
    )
    if not items:
        for n, slug in enumerate(["explain-involvement", "listen-first", "negotiate-risk"], start=1):
            db.session.add(ConfidenceItem(slug=slug, position=n, text=f"Confidence item {slug}"))
        db.session.commit()
        return confidence_items()
    return items


def make_entry(
    author,
    template: str = "nmc",
    *,
    title: str = "A shift that made me think",
    text: str = SECRET,
    module: Module | None = None,
    shared_with=None,
    confirmed: bool = False,
):
    """An entry written through the service (and shared with `shared_with` if given); committed."""
    first = {"nmc": "nature", "gibbs": "description", "what": "what", "free": "text"}[template]
    fields = {first: text}
    if template == "nmc":
        fields.update(
            learned="To ask before assuming.",
            changed="I now start reviews with the person's goals.",
            code_themes=["prioritise-people"],
        )
    entry = services.create_entry(
        author,
        template,
        services.EntryInput(title=title, fields=fields, module_id=module.id if module else None),
        confirmed=confirmed,
    )
    if shared_with is not None:
        services.share_entry(author, entry, shared_with)
    db.session.commit()
    return entry


def access_world(world: dict) -> dict:
    """For tests/test_access.py: the learner's entry shared with the manager, a manual CPD entry, a module."""
    import datetime as dt

    from equiptrain.reflection import cpd

    entry = make_entry(world["learner"], shared_with=world["manager"])
    manual = cpd.add_manual(world["learner"], date=dt.date(2025, 1, 1), hours=1, kind="individual", title="x")
    module = make_module()
    return {"reflection": entry, "reflection_cpd": manual, "reflection_module": module}
