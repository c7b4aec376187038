"""Demo step: reflective entries (one shared with a manager, others private), CPD records and confidence answers,
created through the reflection services so the privacy limits can be seen working.

Sign in as Sam Okafor to see a full log; as Priya Shah (his manager) to read the one entry he shared; as Grace
Adeyemi (Willow Ward's manager) to see that Liam Murphy's private account stays private.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from equiptrain.content.models import Module
from equiptrain.db import utcnow
from equiptrain.errors import ServiceError
from equiptrain.extensions import db
from equiptrain.reflection import confidence, cpd, services
from equiptrain.reflection.services import EntryInput

ENTRIES: list[tuple[Any, ...]] = [
    # person key, template, title, module slug or None, fields, shared with (person key) or None, days ago
    (
        "nurse",
        "nmc",
        "Letting the person set the agenda in a review",
        "listening",
        {
            "nature": "A care-plan review with a man I have worked with for a year. After the listening module I "
            "tried opening with 'What would you like to get out of today?' instead of my usual checklist.",
            "learned": "He had three things he wanted to talk about, and none of them were on my form. When I "
            "listened first, the risk questions I needed answered came up naturally.",
            "changed": "I now start every review by asking what matters to the person and write their words into "
            "the plan first. I have suggested the team tries this at our next business meeting.",
            "code_themes": ["prioritise-people", "practise-effectively"],
        },
        "manager",
        12,
    ),
    (
        "nurse",
        "gibbs",
        "The care plan nobody recognised",
        "foundations",
        {
            "description": "Reading back a plan I wrote last year, I noticed it was written entirely in clinical "
            "language.",
            "feelings": "Uncomfortable. I had thought of myself as someone who involves people.",
            "evaluation": "The plan was thorough and safe, but it did not sound like the person at all.",
            "analysis": "Time pressure and the template pushed me to write for the audit, not for the person.",
            "conclusion": "I could have drafted it with him, or at least read it back to him.",
            "action_plan": "Draft the next plan with the person in the room and use their words for goals.",
        },
        None,
        30,
    ),
    (
        "nurse",
        "what",
        "A phone call with a worried mother",
        None,
        {
            "what": "A carer rang, worried her son had stopped taking medication. He had asked us not to share "
            "details with her.",
            "so_what": "I realised I could listen to her and give general information without breaching his "
            "confidentiality. I gave her the carers' support line, 0800 952 1181.",
            "now_what": "Talk with him about what he is happy for us to share, and record it in the plan.",
        },
        None,
        5,
    ),
    (
        "ward-nurse-1",
        "nmc",
        "Negotiating leave on the ward",
        None,
        {
            "nature": "A ward round where a woman's request for leave was discussed without her.",
            "learned": "Decisions made about people in their absence undermine everything else we do.",
            "changed": "I now ask people whether they want to join the part of the ward round about them.",
            "code_themes": ["prioritise-people", "promote-professionalism"],
        },
        None,
        20,
    ),
    (
        "social-worker",
        "free",
        "First week of the EQUIP course",
        "foundations",
        {
            "text": "Starting the foundations module made me realise how rarely I ask carers how they want to be "
            "involved. I want to talk this through in supervision."
        },
        "trainer",
        3,
    ),
]

MANUAL_CPD = [
    # person key, days ago, hours, kind, title
    ("nurse", 200, 3.5, "participatory", "Safeguarding adults level 3 update"),
    ("nurse", 90, 1.5, "individual", "Reading: NICE quality standard QS14, service user experience"),
    ("nurse", 400, 7.0, "participatory", "Trust conference: recovery and co-production"),
    ("ward-nurse-1", 60, 2.0, "participatory", "Reflective practice group on the ward"),
]


def _module(slug: str | None) -> Module | None:
    if slug is None:
        return None
    return db.session.scalar(select(Module).where(Module.slug == slug, Module.retired_at.is_(None)))


def load(world: dict) -> None:
    people = world["people"]
    now = utcnow()
    for key, template, title, slug, fields, share_with, days_ago in ENTRIES:
        module = _module(slug)
        entry = services.create_entry(
            people[key],
            template,
            EntryInput(title=title, fields=fields, module_id=module.id if module else None),
            confirmed=True,
        )
        entry.created_at = now - dt.timedelta(days=days_ago)
        if share_with:
            services.share_entry(people[key], entry, people[share_with])
    for key, days_ago, hours, kind, title in MANUAL_CPD:
        cpd.add_manual(
            people[key], date=dt.date.today() - dt.timedelta(days=days_ago), hours=hours, kind=kind, title=title
        )
    items = confidence.items()
    if not items:
        return
    answers = [
        ("nurse", "foundations", "before", [2, 3, 2, 1, 2, 2, 1]),
        ("nurse", "foundations", "after", [4, 4, 3, 3, 3, 4, 3]),
        ("nurse", "listening", "before", [3, 3, 2, 2, 3, 3, 2]),
        ("nurse", "listening", "after", [4, 5, 3, 3, 3, 4, 3]),
        ("ward-nurse-1", "foundations", "before", [2, 2, 2, 1, 3, 2, 2]),
        ("social-worker", "foundations", "before", [3, 2, 2, 2, 1, 2, 2]),
    ]
    for key, slug, phase, values in answers:
        module = _module(slug)
        if module is None:
            continue
        try:
            confidence.answer(
                people[key], module, phase, {item.slug: values[n % len(values)] for n, item in enumerate(items)}
            )
        except ServiceError:  # "after" waits for the module to be complete in the learning record
            continue
    db.session.flush()
