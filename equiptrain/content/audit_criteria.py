"""audit.yaml: the care-plan audit criteria. Its schema, its cross-field checks, what the loader builds from it,
and how the sync stores it (by slug, like the rest of the course). The file is optional: without it there are
no criteria and care-plan audits cannot be scored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field
from sqlalchemy import select

from equiptrain.extensions import db
from equiptrain.markdown import render_content

from .defs import Problem
from .models import AuditCriterion
from .schema import Markdown, Slug, Strict, Text
from .source import Parsed

SCORES = (0, 1, 2)


# -- schema ----------------------------------------------------------------------------------------------------


class Criterion(Strict):
    slug: Slug
    title: Text
    guidance: Markdown
    scores: dict[int, Text]


class Audit(Strict):
    title: Text
    introduction: Markdown
    criteria: Annotated[list[Criterion], Field(min_length=6, max_length=16)]


# -- checks ----------------------------------------------------------------------------------------------------


def check_audit(parsed: Parsed | None, out: list[Problem]) -> None:
    """Slugs are unique, and each criterion describes exactly the scores 0, 1 and 2."""
    if not (parsed and parsed.model):
        return
    src, audit = parsed.source, parsed.model
    seen: dict[str, int] = {}
    for i, criterion in enumerate(audit.criteria):
        if criterion.slug in seen:
            out.append(
                src.problem(
                    ("criteria", i, "slug"),
                    f"duplicate slug '{criterion.slug}': criterion "
                    f"{seen[criterion.slug] + 1} already uses it; give each criterion its own slug",
                )
            )
        else:
            seen[criterion.slug] = i
        missing = [str(s) for s in SCORES if s not in criterion.scores]
        if missing:
            out.append(
                src.problem(
                    ("criteria", i, "scores"),
                    f"the scoring guide must describe scores 0, 1 and 2: add {' and '.join(missing)}",
                )
            )
        for key in criterion.scores:
            if key not in SCORES:
                out.append(
                    src.problem(
                        ("criteria", i, "scores", key),
                        f"score {key} is not on the scale: use 0 (not met), 1 (partly met) or 2 (met)",
                    )
                )


# -- what the loader hands out ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditCriterionDef:
    slug: str
    position: int
    title: str
    guidance_html: str
    scores: dict[int, str]


@dataclass(frozen=True)
class AuditDef:
    title: str
    introduction_html: str
    criteria: list[AuditCriterionDef]


def build_audit(parsed: Parsed | None) -> AuditDef | None:
    if not (parsed and parsed.model):
        return None
    audit = parsed.model
    return AuditDef(
        title=audit.title,
        introduction_html=render_content(audit.introduction),
        criteria=[
            AuditCriterionDef(c.slug, n, c.title, render_content(c.guidance), {s: c.scores[s] for s in SCORES})
            for n, c in enumerate(audit.criteria, 1)
        ],
    )


# -- sync ------------------------------------------------------------------------------------------------------


def sync_audit(audit: AuditDef | None, upsert, retire) -> None:
    """Bring the audit_criteria rows in line with the file; criteria no longer listed are retired."""
    existing = {c.slug: c for c in db.session.scalars(select(AuditCriterion))}
    wanted = audit.criteria if audit else []
    for c in wanted:
        upsert(
            "audit criterion",
            existing.get(c.slug),
            {
                "slug": c.slug,
                "position": c.position,
                "title": c.title,
                "guidance_html": c.guidance_html,
                "scores": {str(k): v for k, v in c.scores.items()},
            },
            AuditCriterion,
        )
    slugs = {c.slug for c in wanted}
    retire("audit criterion", (c for s, c in existing.items() if s not in slugs))
