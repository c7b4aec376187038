"""Building the printable PDFs. WeasyPrint writes tagged PDF/UA with the page's language and title, so screen
readers can read the download as well as the page."""

from __future__ import annotations

import datetime as dt

from flask import current_app, render_template

from equiptrain import tagged_pdf
from equiptrain.content.models import Module, Scenario, Unit
from equiptrain.content.provenance import describe

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
