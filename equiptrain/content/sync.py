"""Sync course_content/ into the content tables: validated first, then upserted by slug in one savepoint.

Rows are never deleted. A slug that disappears from the files is retired (`retired_at` set); when it comes
back it is un-retired. Learner records point at rows by id, so rewording a unit keeps its reads. Markdown is
already rendered and sanitised by the loader; pages show the stored HTML as it is.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from equiptrain import signals
from equiptrain.content import snapshot
from equiptrain.db import utcnow
from equiptrain.extensions import db

from .audit_criteria import sync_audit
from .defs import Course, ModuleDef, ScenarioDef
from .loader import load_course
from .measures import sync_measures
from .models import (
    ConfidenceItem,
    CoreDay,
    LocalPage,
    Module,
    Programme,
    Quiz,
    QuizQuestion,
    Scenario,
    SupervisionTemplate,
    Unit,
)

KINDS = (
    "programme",
    "module",
    "unit",
    "quiz",
    "question",
    "scenario",
    "confidence item",
    "audit criterion",
    "supervision template",
    "measure",
    "core day",
    "local page",
)
PLURALS = {"quiz": "quizzes", "audit criterion": "audit criteria"}


@dataclass
class SyncReport:
    """What a sync did: per kind, how many rows were created, updated, retired or left unchanged."""

    counts: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    tree_hash: str = ""

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c[o] for c in self.counts.values() for o in ("created", "updated", "retired"))

    def __str__(self) -> str:
        if not self.changed:
            return "The course in the database is up to date: nothing changed."
        parts = []
        for kind in KINDS:
            c = self.counts[kind]
            done = [f"{c[o]} {o}" for o in ("created", "updated", "retired") if c[o]]
            if done:
                parts.append(f"{PLURALS.get(kind, kind + 's')}: {', '.join(done)}")
        return "Synced the course: " + "; ".join(parts) + "."


def tree_hash(root: Path) -> str:
    """A hash of every file in the content tree (names and bytes), to tell cheaply whether anything changed."""
    digest = hashlib.sha256()
    root = Path(root)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        digest.update(rel.as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def current_tree_hash() -> str | None:
    """The tree hash stored at the last sync, or None when the course was never synced."""
    return db.session.scalar(select(Programme.tree_hash).order_by(Programme.id).limit(1))


def sync_course(root: Path) -> SyncReport:
    """Validate the tree at `root` and bring the content tables in line with it, all or nothing.

    Raises ContentInvalid (nothing written) when the files have problems. Flushes; the caller commits.
    """
    course = load_course(Path(root))  # raises ContentInvalid before anything is written
    report = SyncReport(tree_hash=tree_hash(root))
    with db.session.begin_nested():
        _Sync(report, utcnow()).run(course)
    snapshot.invalidate()
    signals.course_synced.send(None)
    return report


def _apply(row, values: dict) -> bool:
    """Set the attributes that differ; True when something changed (un-retiring counts as a change)."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if getattr(row, "retired_at", None) is not None:
        row.retired_at = None
        changed = True
    return changed


class _Sync:
    def __init__(self, report: SyncReport, now):
        self.report, self.now = report, now

    def upsert(self, kind: str, row, values: dict, create):
        if row is None:
            row = create(**values)
            db.session.add(row)
            self.report.add(kind, "created")
        elif _apply(row, values):
            self.report.add(kind, "updated")
        else:
            self.report.add(kind, "unchanged")
        return row

    def retire(self, kind: str, rows) -> None:
        for row in rows:
            if row.retired_at is None:
                row.retired_at = self.now
                self.report.add(kind, "retired")

    def run(self, course: Course) -> None:
        self.programme(course)
        self.confidence(course)
        sync_audit(course.audit, self.upsert, self.retire)
        modules = {m.slug: m for m in db.session.scalars(select(Module))}
        for mdef in course.modules:
            self.module(mdef, modules.get(mdef.slug))
        self.retire("module", (m for slug, m in modules.items() if slug not in {d.slug for d in course.modules}))
        self.supervision(course)
        sync_measures(course.measures, self.upsert, self.retire)
        self.core_days(course)
        self.local_pages(course)
        db.session.flush()

    def local_pages(self, course: Course) -> None:
        existing = {(p.organisation_name, p.module_slug, p.slug): p for p in db.session.scalars(select(LocalPage))}
        for d in course.local_pages:
            key = (d.organisation, d.module_slug, d.slug)
            self.upsert(
                "local page",
                existing.get(key),
                dict(
                    organisation_name=d.organisation,
                    module_slug=d.module_slug,
                    slug=d.slug,
                    position=d.position,
                    title=d.title,
                    owner=d.owner,
                    review_by=d.review_by,
                    minutes=d.minutes,
                    body_html=d.body_html,
                    content_hash=d.content_hash,
                    retired_at=None,
                ),
                LocalPage,
            )
        keys = {(d.organisation, d.module_slug, d.slug) for d in course.local_pages}
        self.retire("local page", (p for k, p in existing.items() if k not in keys))

    def core_days(self, course: Course) -> None:
        existing = {d.slug: d for d in db.session.scalars(select(CoreDay))}
        for d in course.core_days:
            self.upsert(
                "core day",
                existing.get(d.slug),
                dict(
                    slug=d.slug,
                    day=d.day,
                    title=d.title,
                    summary=d.summary,
                    modules=list(d.modules),
                    agenda=[
                        {
                            "start": a.start,
                            "minutes": a.minutes,
                            "title": a.title,
                            "lead": a.lead,
                            "materials": list(a.materials),
                            "roleplay": a.roleplay,
                        }
                        for a in d.agenda
                    ],
                    references=list(d.references),
                    body_html=d.body_html,
                    content_hash=d.content_hash,
                    retired_at=None,
                ),
                CoreDay,
            )
        slugs = {d.slug for d in course.core_days}
        self.retire("core day", (d for s, d in existing.items() if s not in slugs))

    def supervision(self, course: Course) -> None:
        existing = {t.slug: t for t in db.session.scalars(select(SupervisionTemplate))}
        for t in course.supervision:
            self.upsert(
                "supervision template",
                existing.get(t.slug),
                dict(
                    slug=t.slug,
                    number=t.number,
                    title=t.title,
                    minutes=t.minutes,
                    summary=t.summary,
                    body_html=t.body_html,
                    references=list(t.references),
                    content_hash=t.content_hash,
                ),
                SupervisionTemplate,
            )
        slugs = {t.slug for t in course.supervision}
        self.retire("supervision template", (t for s, t in existing.items() if s not in slugs))

    def programme(self, course: Course) -> None:
        p = course.programme
        conf = course.confidence
        values = dict(
            slug=p.slug,
            title=p.title,
            summary_html=p.summary_html,
            certificates=[
                {
                    "slug": c.slug,
                    "title": c.title,
                    "description": c.description,
                    "modules": list(c.modules),
                    "workshops": {
                        "core": list(c.workshops.core),
                        "follow_ups": c.workshops.follow_ups,
                        "supervision": c.workshops.supervision,
                    }
                    if c.workshops
                    else None,
                    "audience": c.audience,
                }
                for c in p.certificates
            ],
            confidence_scale={"min": conf.min, "max": conf.max, "labels": {str(k): v for k, v in conf.labels.items()}},
            tree_hash=self.report.tree_hash,
            rules={"supervision_sessions": p.supervision_sessions},
        )
        row = db.session.scalar(select(Programme).where(Programme.slug == p.slug))
        if row is None:
            # One programme per installation: a renamed programme slug updates the existing row.
            row = db.session.scalar(select(Programme).order_by(Programme.id).limit(1))
        row = self.upsert("programme", row, values, lambda **v: Programme(**v, synced_at=self.now))
        if self.report.counts["programme"]["updated"]:
            row.synced_at = self.now

    def confidence(self, course: Course) -> None:
        existing = {i.slug: i for i in db.session.scalars(select(ConfidenceItem))}
        for item in course.confidence.items:
            self.upsert(
                "confidence item",
                existing.get(item.slug),
                dict(slug=item.slug, position=item.position, text=item.text),
                ConfidenceItem,
            )
        slugs = {i.slug for i in course.confidence.items}
        self.retire("confidence item", (i for s, i in existing.items() if s not in slugs))

    def module(self, m: ModuleDef, row: Module | None) -> None:
        c = m.completion
        values = dict(
            slug=m.slug,
            position=m.position,
            title=m.title,
            summary=m.summary,
            intro_html=m.intro_html,
            prerequisites=list(m.prerequisites),
            outcomes=list(m.outcomes),
            estimated_minutes=m.estimated_minutes,
            cpd_individual_hours=m.cpd_individual_hours,
            cpd_participatory_hours=m.cpd_participatory_hours,
            requires_units=c.units,
            requires_quiz=c.quiz,
            requires_reflection=c.reflection,
            requires_practice=c.practice,
            requires_workshop=c.workshop,
            requires_core=c.core,
            workshop_kind=c.workshop_kind,
            settings=list(m.settings),
            authors=[{"name": a.name, "role": a.role} for a in m.authors],
            reflective_prompts=[{"slug": p.slug, "prompt": p.prompt} for p in m.reflective_prompts],
            references=list(m.references),
            content_hash=m.content_hash,
        )
        module = self.upsert("module", row, values, Module)
        if row is None:
            db.session.flush()  # the new module's id, for its children
        self.units(m, module)
        self.quiz(m, module)
        self.scenarios(m, module)

    def units(self, m: ModuleDef, module: Module) -> None:
        existing = {u.slug: u for u in db.session.scalars(select(Unit).where(Unit.module_id == module.id))}
        for u in m.units:
            self.upsert(
                "unit",
                existing.get(u.slug),
                dict(
                    module_id=module.id,
                    slug=u.slug,
                    position=u.position,
                    title=u.title,
                    minutes=u.minutes,
                    body_html=u.body_html,
                    content_hash=u.content_hash,
                    provenance=u.provenance,
                ),
                Unit,
            )
        slugs = {u.slug for u in m.units}
        self.retire("unit", (u for s, u in existing.items() if s not in slugs))

    def quiz(self, m: ModuleDef, module: Module) -> None:
        row = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        if m.quiz is None:
            if row is not None:
                self.retire("quiz", [row])
                self.retire("question", db.session.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == row.id)))
            return
        quiz = self.upsert(
            "quiz", row, dict(module_id=module.id, pass_mark=m.quiz.pass_mark, content_hash=m.quiz.content_hash), Quiz
        )
        if row is None:
            db.session.flush()
        existing = {q.slug: q for q in db.session.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id))}
        for q in m.quiz.questions:
            options = [{"text": o.text, "correct": o.correct, "explanation": o.explanation} for o in q.options]
            self.upsert(
                "question",
                existing.get(q.slug),
                dict(
                    quiz_id=quiz.id,
                    slug=q.slug,
                    position=q.position,
                    prompt=q.prompt,
                    multiple=q.multiple,
                    options=options,
                ),
                QuizQuestion,
            )
        slugs = {q.slug for q in m.quiz.questions}
        self.retire("question", (q for s, q in existing.items() if s not in slugs))

    def scenarios(self, m: ModuleDef, module: Module) -> None:
        existing = {s.slug: s for s in db.session.scalars(select(Scenario).where(Scenario.module_id == module.id))}
        for s in m.scenarios:
            self.upsert(
                "scenario",
                existing.get(s.slug),
                dict(
                    module_id=module.id,
                    slug=s.slug,
                    kind=s.kind,
                    position=s.position,
                    title=s.title,
                    summary=s.summary,
                    setting=s.setting,
                    skills=list(s.skills),
                    data=_scenario_data(s),
                    content_hash=s.content_hash,
                ),
                Scenario,
            )
        slugs = {s.slug for s in m.scenarios}
        self.retire("scenario", (s for slug, s in existing.items() if slug not in slugs))


def _scenario_data(s: ScenarioDef) -> dict:
    if s.kind == "roleplay":
        return {
            "provenance": s.provenance,
            "roles": {k: {"title": r.title, "brief_html": r.brief_html} for k, r in s.roles.items()},
            "observer_checklist": [{"slug": i.slug, "behaviour": i.behaviour} for i in s.observer_checklist],
            "debrief_questions": list(s.debrief_questions),
            "timings": dict(s.timings),
        }
    return {
        "provenance": s.provenance,
        "start": s.start,
        "nodes": {
            n.slug: {
                "text_html": n.text_html,
                "choices": [{"text": c.text, "feedback_html": c.feedback_html, "next": c.next} for c in n.choices],
                "ending": (
                    {"title": n.ending.title, "outcome": n.ending.outcome, "debrief_html": n.ending.debrief_html}
                    if n.ending
                    else None
                ),
            }
            for n in s.nodes
        },
    }


def sync_on_serve(app) -> None:
    """A `serve` preparation: sync the course when SYNC_CONTENT_ON_SERVE is on and the files changed."""
    if not app.config.get("SYNC_CONTENT_ON_SERVE"):
        return
    root = Path(app.config["CONTENT_DIR"])
    if current_tree_hash() == tree_hash(root):
        return
    from .defs import ContentInvalid

    try:
        report = sync_course(root)
    except ContentInvalid as exc:
        db.session.rollback()
        app.logger.error("The course content was not synced: %s", exc)
        print(f"The course content has problems and was not synced (the site serves the last good copy):\n{exc}")
        return
    db.session.commit()
    print(report)
