"""course_content/measures/*.yaml: involvement measures that service users and carers answer (issue 23).

One file an instrument: its statements (each with an Easy Read wording), the response scale and a label for
every point, reverse-scored statements, how the score is made (the mean or the sum of the answered statements,
with an optional conversion table from raw sums), a plain-English and an Easy Read introduction, and an optional
free-text question (checked by the anonymisation guard when answered). An instrument written for this project
says honestly that it is not validated; a published, validated instrument that a trust holds the right to use is
added as one more file with `validated: true` and its `citation` (shown wherever its results are), with no code
change. Read and checked with the rest of the course; stored at sync as `MeasureInstrument` rows by slug.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import select

from equiptrain.extensions import db
from equiptrain.markdown import render_content

from .defs import Problem
from .models import MeasureInstrument
from .schema import Markdown, Slug, Strict, Text
from .source import Parsed, parse_yaml, read_text, validate

RESPONDENTS = ("service_user", "carer")
NOT_VALIDATED = "not a validated instrument"


# -- schema ----------------------------------------------------------------------------------------------------


class Scale(Strict):
    min: Annotated[int, Field(ge=0, le=10)]
    max: Annotated[int, Field(ge=1, le=10)]
    labels: dict[int, Text]
    easy_read_labels: dict[int, Text]
    not_applicable: Text | None = None  # a "does not apply to me" choice, left out of the score


class Statement(Strict):
    slug: Slug
    text: Text
    easy_read: Text
    reverse: bool = False
    respondents: list[Literal["service_user", "carer"]] | None = None  # None: everyone answers it


class Scoring(Strict):
    method: Literal["mean", "sum"]
    min_answered: Annotated[int, Field(ge=1)]
    conversion: dict[int, float] | None = None  # raw sum -> reported score (published instruments' tables)


class Comment(Strict):
    prompt: Text
    easy_read: Text


class Measure(Strict):
    slug: Slug
    title: Text
    validated: bool
    notice: Text | None = None  # required when not validated: says so in words
    citation: Text | None = None  # required when validated
    licence: Text | None = None
    introduction: Markdown
    easy_read_introduction: Markdown
    respondents: list[Literal["service_user", "carer"]]
    scale: Scale
    statements: Annotated[list[Statement], Field(min_length=4, max_length=40)]
    scoring: Scoring
    comment: Comment | None = None


# -- reading and checks ----------------------------------------------------------------------------------------


def read_measures(root: Path, problems: list[Problem]) -> list[Parsed]:
    """Every measures/*.yaml file parsed and checked against the schema; the folder is optional."""
    folder = root / "measures"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        rel = path.relative_to(root).as_posix()
        if not (path.is_file() and path.suffix == ".yaml"):
            problems.append(Problem(rel, 1, "-", "the measures folder holds one .yaml file per instrument"))
            continue
        parsed = Parsed(rel)
        text = read_text(root, path, problems)
        parsed.src = parse_yaml(rel, text, problems) if text is not None else None
        if parsed.src is not None:
            parsed.model = validate(parsed.src, Measure, problems)
        found.append(parsed)
    check_measures(found, problems)
    return found


def check_measures(parsed: list[Parsed], out: list[Problem]) -> None:
    """The rules a schema cannot say: unique slugs, a label for every point of the scale in both versions,
    honesty about validation, a conversion table that covers every possible sum."""
    slugs: dict[str, str] = {}
    for p in parsed:
        if not p.model:
            continue
        src, m = p.source, p.model
        if m.slug in slugs:
            out.append(src.problem(("slug",), f"duplicate slug '{m.slug}': {slugs[m.slug]} already uses it"))
        slugs.setdefault(m.slug, p.rel)
        if m.validated and not m.citation:
            out.append(
                src.problem(("validated",), "a validated instrument must give its citation (shown with results)")
            )
        if not m.validated and (not m.notice or NOT_VALIDATED not in m.notice.lower()):
            out.append(
                src.problem(
                    ("notice",),
                    f"an instrument that is not validated must say so: the notice must contain '{NOT_VALIDATED}'",
                )
            )
        if not set(m.respondents) or len(set(m.respondents)) != len(m.respondents):
            out.append(src.problem(("respondents",), "list service_user and/or carer, each once"))
        scale = m.scale
        if scale.min >= scale.max:
            out.append(src.problem(("scale", "max"), f"max must be above min ({scale.min})"))
        else:
            points = set(range(scale.min, scale.max + 1))
            for field in ("labels", "easy_read_labels"):
                labels = getattr(scale, field)
                missing = sorted(points - set(labels))
                extra = sorted(set(labels) - points)
                if missing:
                    out.append(src.problem(("scale", field), f"label every point: add {', '.join(map(str, missing))}"))
                for key in extra:
                    out.append(
                        src.problem(("scale", field, key), f"{key} is not on the scale ({scale.min} to {scale.max})")
                    )
        seen: dict[str, int] = {}
        for i, s in enumerate(m.statements):
            if s.slug in seen:
                out.append(
                    src.problem(("statements", i, "slug"), f"duplicate slug '{s.slug}': statement {seen[s.slug] + 1}")
                )
            seen.setdefault(s.slug, i)
            for who in s.respondents or []:
                if who not in m.respondents:
                    out.append(
                        src.problem(("statements", i, "respondents"), f"'{who}' is not among the measure's respondents")
                    )
        if m.scoring.min_answered > len(m.statements):
            out.append(
                src.problem(("scoring", "min_answered"), f"at most {len(m.statements)} (the number of statements)")
            )
        if m.scoring.conversion is not None:
            if m.scoring.method != "sum":
                out.append(src.problem(("scoring", "conversion"), "a conversion table converts sums: use method: sum"))
            else:
                n = len(m.statements)
                wanted = set(range(n * scale.min, n * scale.max + 1))
                missing = sorted(wanted - set(m.scoring.conversion))
                if missing:
                    out.append(
                        src.problem(
                            ("scoring", "conversion"),
                            f"give a converted score for every possible sum ({min(wanted)} to {max(wanted)}): "
                            f"missing {', '.join(map(str, missing[:5]))}{'...' if len(missing) > 5 else ''}",
                        )
                    )


# -- what the loader hands out, and scoring --------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureDef:
    slug: str
    title: str
    validated: bool
    notice: str | None
    citation: str | None
    licence: str | None
    introduction_html: str
    easy_read_html: str
    respondents: list[str]
    scale: dict  # {"min", "max", "labels": {"1": ...}, "easy_read_labels": {...}, "not_applicable"}
    statements: list[dict]  # [{"slug", "text", "easy_read", "reverse", "respondents"}]
    scoring: dict  # {"method", "min_answered", "conversion": {"raw": score} or None}
    comment: dict | None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


def build_measures(parsed: list[Parsed]) -> list[MeasureDef]:
    out = []
    for p in parsed:
        m: Measure = p.model
        out.append(
            MeasureDef(
                slug=m.slug,
                title=m.title,
                validated=m.validated,
                notice=m.notice,
                citation=m.citation,
                licence=m.licence,
                introduction_html=render_content(m.introduction),
                easy_read_html=render_content(m.easy_read_introduction),
                respondents=list(m.respondents),
                scale={
                    "min": m.scale.min,
                    "max": m.scale.max,
                    "labels": {str(k): v for k, v in sorted(m.scale.labels.items())},
                    "easy_read_labels": {str(k): v for k, v in sorted(m.scale.easy_read_labels.items())},
                    "not_applicable": m.scale.not_applicable,
                },
                statements=[
                    {
                        "slug": s.slug,
                        "text": s.text,
                        "easy_read": s.easy_read,
                        "reverse": s.reverse,
                        "respondents": list(s.respondents or m.respondents),
                    }
                    for s in m.statements
                ],
                scoring={
                    "method": m.scoring.method,
                    "min_answered": m.scoring.min_answered,
                    "conversion": (
                        {str(k): v for k, v in m.scoring.conversion.items()} if m.scoring.conversion else None
                    ),
                },
                comment={"prompt": m.comment.prompt, "easy_read": m.comment.easy_read} if m.comment else None,
            )
        )
    return out


def score(definition: dict, answers: dict[str, int | None]) -> float | None:
    """One response's score: reverse-scored statements flipped, then the mean or the sum of the answered ones
    (a sum with gaps is pro-rated to the full set, the usual rule), through the conversion table if any; None
    when fewer than `min_answered` statements were answered."""
    scale, scoring = definition["scale"], definition["scoring"]
    low, high = int(scale["min"]), int(scale["max"])
    values = []
    for s in definition["statements"]:
        v = answers.get(s["slug"])
        if v is None:
            continue
        values.append(low + high - v if s["reverse"] else v)
    if len(values) < int(scoring["min_answered"]) or not values:
        return None
    if scoring["method"] == "mean":
        return round(sum(values) / len(values), 2)
    raw = round(sum(values) * len(definition["statements"]) / len(values))
    table = scoring.get("conversion")
    return float(table[str(raw)]) if table else float(raw)


# -- sync ------------------------------------------------------------------------------------------------------


def sync_measures(measures: list[MeasureDef], upsert, retire) -> None:
    existing = {m.slug: m for m in db.session.scalars(select(MeasureInstrument))}
    for d in measures:
        definition = asdict(d)
        upsert(
            "measure",
            existing.get(d.slug),
            {
                "slug": d.slug,
                "title": d.title,
                "validated": d.validated,
                "definition": definition,
                "content_hash": d.content_hash,
            },
            MeasureInstrument,
        )
    slugs = {d.slug for d in measures}
    retire("measure", (m for s, m in existing.items() if s not in slugs))
