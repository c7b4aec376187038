"""The core days as content: course_content/core/day-N.md, one file a day, with the agenda (times, who leads
each part, materials, the role plays used) in the front matter and the facilitators' notes as Markdown below.

Read and checked with the rest of the course (`loader`), stored at sync (`CoreDay`); the workshop pages and the
printable facilitator pack read it. The folder is optional; when present its files are `day-1.md`, `day-2.md`,
... numbered from 1 without gaps.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from equiptrain.markdown import render_content

from .defs import AgendaItemDef, CoreDayDef, Problem
from .schema import CoreDayMeta
from .source import Parsed, Tree, read_numbered_pages

FILE_RE = re.compile(r"^day-(\d+)\.md$")
LEAD_LABELS = {
    "both": "Lived-experience and professional trainer together",
    "lived_experience": "Lived-experience trainer",
    "professional": "Professional trainer",
}


def read_core(root: Path, problems: list[Problem]) -> list[Parsed]:
    """The parsed core days in day order; problems with the folder or a file are added."""
    found = read_numbered_pages(
        root, "core", FILE_RE, CoreDayMeta, problems, "core days are files named day-1.md, day-2.md"
    )
    for position, (n, parsed) in enumerate(found, 1):
        if n != position:
            problems.append(
                Problem(
                    parsed.rel, 1, "-", f"the days are numbered from 1 without gaps: rename this file day-{position}.md"
                )
            )
        if parsed.model is not None and parsed.model.day != n:
            problems.append(
                parsed.source.problem(("day",), f"day {parsed.model.day} does not match the file name day-{n}.md")
            )
    return [parsed for _, parsed in found]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def check_core(tree: Tree, problems: list[Problem]) -> None:
    """Rules across files: modules and role plays named exist; the agenda runs in order without overlaps; each
    day is co-delivered (a lived-experience trainer leads or co-leads at least one part)."""
    modules = {m.slug for m in tree.modules if m.slug}
    roleplays = set()
    for files in tree.modules:
        for s in files.scenarios:
            if s.model is not None and s.model.kind == "roleplay" and files.module and files.module.model:
                roleplays.add(f"{files.module.model.slug}/{s.model.slug}")
    for parsed in tree.core_days:
        meta: CoreDayMeta | None = parsed.model
        if meta is None:
            continue
        src = parsed.source
        for i, slug in enumerate(meta.modules):
            if slug not in modules:
                problems.append(
                    src.problem(("modules", i), f"unknown module '{slug}': use one of: {', '.join(sorted(modules))}")
                )
        end = None
        for i, item in enumerate(meta.agenda):
            start = _minutes(item.start)
            if end is not None and start < end:
                problems.append(
                    src.problem(
                        ("agenda", i, "start"),
                        f"starts at {item.start}, before the part above it ends: times run in order without overlaps",
                    )
                )
            end = start + item.minutes
            if item.roleplay is not None and item.roleplay not in roleplays:
                problems.append(
                    src.problem(
                        ("agenda", i, "roleplay"),
                        f"there is no role play '{item.roleplay}': write MODULE-SLUG/SCENARIO-SLUG of a role play",
                    )
                )
        if not any(item.lead in ("both", "lived_experience") for item in meta.agenda):
            problems.append(
                src.problem(
                    ("agenda",),
                    "no part is led by the lived-experience trainer: the core is co-delivered, so give them "
                    "(or both trainers) at least one part",
                )
            )


def build_core(parsed: list[Parsed]) -> list[CoreDayDef]:
    out = []
    for p in parsed:
        meta: CoreDayMeta = p.model
        out.append(
            CoreDayDef(
                meta.slug,
                meta.day,
                meta.title,
                meta.summary,
                list(meta.modules),
                [
                    AgendaItemDef(a.start, a.minutes, a.title, a.lead, list(a.materials), a.roleplay)
                    for a in meta.agenda
                ],
                list(meta.references),
                render_content(p.source.body.strip("\n")) if p.source.body.strip() else "",
                hashlib.sha256(p.source.text.encode("utf-8")).hexdigest(),
            )
        )
    return out
