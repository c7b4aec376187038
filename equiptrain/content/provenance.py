"""Co-production records: who wrote and who reviewed each unit and scenario, as the content files say.

Every unit and scenario names who wrote it (`written_by`) and who has reviewed it (`reviewed_by`), each entry a
role (professional, service-user trainer or carer trainer), a month, and a display name only when that person
has agreed to be named. Pages show the line `describe()` builds; `equiptrain content status` lists what no
lived-experience trainer has reviewed yet; and programme.yaml can require such a review before a module is
published (`publishing: require_lived_experience_review: true`), which the validator and the sync enforce.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .defs import Problem
from .schema import LIVED_EXPERIENCE_ROLES
from .source import Source, Tree

ROLE_LABELS = {
    "professional": "a professional trainer",
    "service_user_trainer": "a service-user trainer",
    "carer_trainer": "a carer trainer",
}
ROLE_NAMES = {
    "professional": "professional trainer",
    "service_user_trainer": "service-user trainer",
    "carer_trainer": "carer trainer",
}


def month_label(when: str) -> str:
    """'2027-03' -> 'March 2027'."""
    year, month = when.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def shown_name(entry: dict) -> str:
    """The name when the person consented to it, otherwise their role ('a service-user trainer')."""
    if entry.get("name"):
        # A lived-experience role is part of what the line says; for a professional the name is enough.
        if entry["role"] in LIVED_EXPERIENCE_ROLES:
            return f"{entry['name']} ({ROLE_NAMES[entry['role']]})"
        return entry["name"]
    return ROLE_LABELS[entry["role"]]


def _people(entries: list[dict]) -> str:
    # One clause per month, most recent last: "a carer trainer and a service-user trainer, March 2027". Someone who
    # wrote or reviewed a page in several months is named once, with each month: "the course team, November 2026
    # and December 2026" (not the same name twice). People shown only by their role stay one entry each: two
    # service-user trainers are two people.
    months: dict[tuple[str, int], list[str]] = {}
    for n, entry in enumerate(sorted(entries, key=lambda e: e["when"])):
        person = months.setdefault((shown_name(entry), 0 if entry.get("name") else n), [])
        if entry["when"] not in person:
            person.append(entry["when"])
    clauses: dict[tuple[str, ...], list[str]] = {}
    for (name, _), whens in months.items():
        clauses.setdefault(tuple(whens), []).append(name)
    parts = []
    for clause_months, names in clauses.items():
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{who}, {' and '.join(month_label(w) for w in clause_months)}")
    return "; ".join(parts)


def describe(record: dict | None) -> list[str]:
    """The sentences a page shows, e.g. ['Written by ...', 'Reviewed by a service-user trainer, March 2027.']."""
    if not record or not record.get("written_by"):
        return []
    lines = [f"Written by {_people(record['written_by'])}."]
    reviews = record.get("reviewed_by") or []
    if reviews:
        lines.append(f"Reviewed by {_people(reviews)}.")
    if not lived_experience_reviewed(record):
        lines.append("Not yet reviewed by a service-user or carer trainer.")
    return lines


def lived_experience_reviewed(record: dict | None) -> bool:
    return any(e["role"] in LIVED_EXPERIENCE_ROLES for e in (record or {}).get("reviewed_by") or [])


def record_of(model) -> dict:
    """The stored form of a unit's or scenario's written_by / reviewed_by (names only with consent)."""

    def entry(c) -> dict:
        return {"role": c.role, "name": c.name if c.consent_to_name else None, "when": c.when}

    return {"written_by": [entry(c) for c in model.written_by], "reviewed_by": [entry(c) for c in model.reviewed_by]}


# Checks (called from checks.check_tree)


def check_tree(tree: Tree) -> Iterator[Problem]:
    """Names without consent, reviews dated before the writing, and (when programme.yaml requires it) content
    that no lived-experience trainer has reviewed."""
    programme = tree.programme.model if tree.programme else None
    required = bool(programme and programme.publishing.require_lived_experience_review)
    for files in tree.modules:
        for parsed, kind in [(u, "unit") for u in files.units] + [(s, "scenario") for s in files.scenarios]:
            if parsed.model is None:
                continue
            yield from _check_entries(parsed.source, parsed.model)
            if required and not lived_experience_reviewed(record_of(parsed.model)):
                path = ("reviewed_by",) if parsed.model.reviewed_by else ()
                yield parsed.source.problem(
                    path,
                    (
                        f"this {kind} has not been reviewed by a service-user or carer trainer, and programme.yaml "
                        "requires that before its module is published (publishing: require_lived_experience_review): "
                        "add a reviewed_by entry with role service_user_trainer or carer_trainer once the review has "
                        "happened, or turn the setting off"
                    ),
                )


def _check_entries(src: Source, model) -> Iterator[Problem]:
    written = min(c.when for c in model.written_by)
    for key in ("written_by", "reviewed_by"):
        for i, c in enumerate(getattr(model, key)):
            if c.name is not None and not c.consent_to_name:
                yield src.problem(
                    (key, i, "name"),
                    (
                        "a name is shown only with that person's consent: add 'consent_to_name: true' once they have "
                        "agreed, or remove the name (their role is shown instead)"
                    ),
                )
            if key == "reviewed_by" and c.when < written:
                yield src.problem(
                    (key, i, "when"),
                    (
                        f"the review ({c.when}) is dated before the {kind_word(model)} was written ({written}): "
                        "check the month"
                    ),
                )


def kind_word(model) -> str:
    return "scenario" if hasattr(model, "kind") else "unit"


# `equiptrain content status`


@dataclass(frozen=True)
class StatusRow:
    module: str
    kind: str  # "unit" or "scenario"
    slug: str
    title: str
    file: str
    record: dict

    @property
    def reviewed(self) -> bool:
        return lived_experience_reviewed(self.record)


def status_rows(tree: Tree) -> list[StatusRow]:
    """One row per unit and scenario that parsed, in course order."""
    rows = []
    for files in tree.modules:
        slug = files.module.model.slug if files.module and files.module.model else files.folder
        for parsed, kind in [(u, "unit") for u in files.units] + [(s, "scenario") for s in files.scenarios]:
            if parsed.model is not None:
                rows.append(
                    StatusRow(slug, kind, parsed.model.slug, parsed.model.title, parsed.rel, record_of(parsed.model))
                )
    return rows


def status_report(rows: Iterable[StatusRow], required: bool) -> list[str]:
    """The lines `content status` prints: a count, then each unreviewed unit and scenario."""
    rows = list(rows)
    waiting = [r for r in rows if not r.reviewed]
    lines = [
        (
            f"{len(rows) - len(waiting)} of {len(rows)} units and scenarios have been reviewed by a "
            "service-user or carer trainer."
        )
    ]
    if required:
        lines.append("programme.yaml requires this review before a module is published.")
    if waiting:
        lines.append("Not yet reviewed by a service-user or carer trainer:")
        for r in waiting:
            written = " ".join(describe(r.record)[:1])
            lines.append(f"  {r.file}: {r.kind} '{r.slug}' ({r.module}). {written}")
    return lines
