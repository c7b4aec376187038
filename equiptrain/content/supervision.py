"""Team supervision session templates: course_content/supervision/session-N.md, one agenda a session.

Read and checked with the rest of the course (`loader`), rendered and stored at sync (`SupervisionTemplate`).
The folder is optional; when present its files are `session-1.md`, `session-2.md`, ... numbered from 1 without
gaps, each with `number` matching its file name.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from equiptrain.markdown import render_content

from .defs import Problem, SupervisionDef
from .schema import SupervisionMeta
from .source import Parsed, read_numbered_pages

FILE_RE = re.compile(r"^session-(\d+)\.md$")


def read_supervision(root: Path, problems: list[Problem]) -> list[Parsed]:
    """The parsed session templates, in number order; problems with the folder or a file are added."""
    found = read_numbered_pages(
        root,
        "supervision",
        FILE_RE,
        SupervisionMeta,
        problems,
        "supervision templates are files named session-1.md, session-2.md, ...",
    )
    for _, parsed in found:
        if parsed.src is not None and not parsed.src.body.strip():
            problems.append(
                Problem(
                    parsed.rel,
                    parsed.src.body_line,
                    "body",
                    "the page has no text: write the session's agenda below the second ---",
                )
            )
    _check(found, problems)
    return [parsed for _, parsed in found]


def _check(found: list[tuple[int, Parsed]], problems: list[Problem]) -> None:
    slugs: dict[str, str] = {}
    for position, (n, parsed) in enumerate(found, 1):
        if n != position:
            problems.append(
                Problem(
                    parsed.rel,
                    1,
                    "-",
                    f"the sessions are numbered from 1 without gaps: rename this file session-{position}.md",
                )
            )
        meta = parsed.model
        if meta is None:
            continue
        if meta.number != n:
            problems.append(
                parsed.source.problem(
                    ("number",), f"number {meta.number} does not match the file name session-{n}.md: make them agree"
                )
            )
        if meta.slug in slugs:
            problems.append(
                parsed.source.problem(
                    ("slug",),
                    f"duplicate slug '{meta.slug}': {slugs[meta.slug]} already uses it; give each session its own slug",
                )
            )
        slugs.setdefault(meta.slug, parsed.rel)


def build_supervision(parsed: list[Parsed]) -> list[SupervisionDef]:
    """The templates with their Markdown rendered (only called on a course without problems)."""
    out = []
    for p in parsed:
        meta: SupervisionMeta = p.model
        body = p.source.body.strip("\n")
        out.append(
            SupervisionDef(
                meta.slug,
                meta.number,
                meta.title,
                meta.minutes,
                meta.summary,
                list(meta.references),
                render_content(body),
                hashlib.sha256(p.source.text.encode("utf-8")).hexdigest(),
            )
        )
    return out
