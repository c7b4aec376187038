"""Building the printable PDFs. WeasyPrint writes tagged PDF/UA with the page's language and title, so screen
readers can read the download as well as the page."""

from __future__ import annotations

import datetime as dt

from flask import current_app, render_template
from sqlalchemy import select

from equiptrain import tagged_pdf
from equiptrain.content.core import LEAD_LABELS
from equiptrain.content.models import CoreDay, Module, Scenario, Unit
from equiptrain.content.provenance import describe
from equiptrain.extensions import db

ROLE_ORDER = ("practitioner", "service_user", "carer", "observer")
ROLE_HEADINGS = {
    "practitioner": "Practitioner's brief",
    "service_user": "Service user's brief",
    "carer": "Carer's brief",
    "observer": "Observer's brief",
}


CACHE_KEY = "equiptrain.printables"
CACHE_SIZE = 200  # PDFs of ~20-40 KB: the whole course is about 60


def _pdf(html: str) -> bytes:
    return tagged_pdf.write(html)


def _cached(key: tuple, make) -> bytes:
    """A PDF takes about half a second to lay out and changes only when the content does (its hash is in the
    key) or the printed date turns over, so each worker keeps the ones it has made in `app.extensions`,
    starting again when it holds CACHE_SIZE."""
    cache: dict = current_app.extensions.setdefault(CACHE_KEY, {})
    key = key + (dt.date.today(),)
    if key not in cache:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = make()
    return cache[key]


def unit_html(module: Module, unit: Unit) -> str:
    return render_template(
        "printables/unit.html", module=module, unit=unit, made_by=describe(unit.provenance), made_on=dt.date.today()
    )


def unit_pdf(module: Module, unit: Unit) -> bytes:
    return _cached(("unit", unit.id, unit.content_hash, module.title), lambda: _pdf(unit_html(module, unit)))


def roleplay_html(module: Module, scenario: Scenario) -> str:
    data = scenario.data
    roles = [(key, ROLE_HEADINGS[key], data["roles"][key]) for key in ROLE_ORDER if key in data["roles"]]
    return render_template(
        "printables/roleplay.html",
        module=module,
        scenario=scenario,
        roles=roles,
        checklist=data["observer_checklist"],
        questions=data["debrief_questions"],
        timings=data["timings"],
        made_by=describe(data.get("provenance")),
        made_on=dt.date.today(),
    )


def roleplay_pdf(module: Module, scenario: Scenario) -> bytes:
    return _cached(
        ("roleplay", scenario.id, scenario.content_hash, module.title), lambda: _pdf(roleplay_html(module, scenario))
    )


def filename(*parts: str) -> str:
    return "equip-" + "-".join(parts) + ".pdf"


def agenda_roleplays(days: list[CoreDay]) -> list[tuple[Module, Scenario]]:
    """The role plays the days' agendas use, in the order they come (one query)."""
    wanted = [item["roleplay"] for day in days for item in day.agenda if item.get("roleplay")]
    if not wanted:
        return []
    rows = db.session.execute(
        select(Module, Scenario)
        .join(Scenario, Scenario.module_id == Module.id)
        .where(Scenario.kind == "roleplay", Scenario.retired_at.is_(None))
    ).all()
    found = {f"{m.slug}/{s.slug}": (m, s) for m, s in rows}
    return [found[w] for w in dict.fromkeys(wanted) if w in found]


def facilitator_pack_html(workshop, days: list[CoreDay]) -> str:
    packs = []
    for module, scenario in agenda_roleplays(days):
        data = scenario.data
        roles = [(key, ROLE_HEADINGS[key], data["roles"][key]) for key in ROLE_ORDER if key in data["roles"]]
        packs.append(
            dict(
                module=module,
                scenario=scenario,
                roles=roles,
                checklist=data["observer_checklist"],
                questions=data["debrief_questions"],
                timings=data["timings"],
            )
        )
    return render_template(
        "printables/facilitator_pack.html",
        workshop=workshop,
        days=days,
        packs=packs,
        leads=LEAD_LABELS,
        made_on=dt.date.today(),
    )


def facilitator_pack_pdf(workshop, days: list[CoreDay]) -> bytes:
    key = ("pack", workshop.id, tuple(d.content_hash for d in days), workshop.title, workshop.starts_at)
    return _cached(key, lambda: _pdf(facilitator_pack_html(workshop, days)))
