"""The course as synced from course_content/: rows keyed by stable slugs, carrying a content hash.

Rows are never deleted: content removed from the files is retired (`retired_at` set), so learner records that
point at it keep their meaning. Markdown arrives here already rendered and sanitised (at sync).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from equiptrain.db import Base


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary_html: Mapped[str] = mapped_column(Text)
    # [{slug, title, description, modules: [slug]}] from programme.yaml
    certificates: Mapped[list] = mapped_column(JSON, default=list)
    # {min, max, labels: {"1": "..."}} from confidence.yaml
    confidence_scale: Mapped[dict] = mapped_column(JSON, default=dict)
    # Programme-wide rules from programme.yaml: {"supervision_sessions": int | None (all)}
    rules: Mapped[dict | None] = mapped_column(JSON, default=dict)
    # Hash of the whole content tree at the last sync: `serve` syncs when it differs.
    tree_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[dt.datetime]


class Module(Base):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    intro_html: Mapped[str] = mapped_column(Text)
    prerequisites: Mapped[list] = mapped_column(JSON, default=list)  # module slugs
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    estimated_minutes: Mapped[int]
    cpd_individual_hours: Mapped[float] = mapped_column(Float)
    cpd_participatory_hours: Mapped[float] = mapped_column(Float)
    requires_units: Mapped[bool]
    requires_quiz: Mapped[bool]
    requires_reflection: Mapped[bool]
    requires_practice: Mapped[bool]
    requires_workshop: Mapped[bool]
    # The core (every session of a core workshop, or WORKSHOP_ATTENDANCE_SHARE of them) must have been attended.
    requires_core: Mapped[bool] = mapped_column(default=False)
    # Only a workshop of this kind ("core", "supervision", "booster") meets the workshop rule; None: any kind.
    workshop_kind: Mapped[str | None] = mapped_column(String(32))
    settings: Mapped[list] = mapped_column(JSON, default=list)  # team settings, or ["all"]
    authors: Mapped[list] = mapped_column(JSON, default=list)  # [{name, role}]
    reflective_prompts: Mapped[list] = mapped_column(JSON, default=list)  # [{slug, prompt}]
    references: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[dt.datetime | None]

    units: Mapped[list[Unit]] = relationship(back_populates="module", order_by="Unit.position")
    scenarios: Mapped[list[Scenario]] = relationship(back_populates="module", order_by="Scenario.position")
    quiz: Mapped[Quiz | None] = relationship(back_populates="module", uselist=False)

    @property
    def active_units(self) -> list[Unit]:
        """The units not retired, in order."""
        return [u for u in self.units if u.retired_at is None]

    @property
    def requirements(self) -> list[str]:
        """The completion rules that are on, in the order a learner meets them."""
        flags = [
            ("units", self.requires_units),
            ("quiz", self.requires_quiz),
            ("practice", self.requires_practice),
            ("reflection", self.requires_reflection),
            ("workshop", self.requires_workshop),
            ("core", self.requires_core),
        ]
        return [name for name, on in flags if on]


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    body_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Who wrote and reviewed it: {"written_by": [{role, name, when}], "reviewed_by": [...]} (content.provenance)
    provenance: Mapped[dict | None] = mapped_column(JSON)
    retired_at: Mapped[dt.datetime | None]

    module: Mapped[Module] = relationship(back_populates="units")


class Quiz(Base):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), unique=True)
    pass_mark: Mapped[int]  # percent
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[dt.datetime | None]

    module: Mapped[Module] = relationship(back_populates="quiz")
    questions: Mapped[list[QuizQuestion]] = relationship(back_populates="quiz", order_by="QuizQuestion.position")


class QuizQuestion(Base):
    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("quiz_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    prompt: Mapped[str] = mapped_column(Text)
    multiple: Mapped[bool]
    options: Mapped[list] = mapped_column(JSON)  # [{text, correct, explanation}] in order
    retired_at: Mapped[dt.datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class Scenario(Base):
    __tablename__ = "scenarios"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))  # "roleplay" or "solo"
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    setting: Mapped[str] = mapped_column(String(32))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    # roleplay: {roles: {key: {title, brief_html}}, observer_checklist: [{slug, behaviour}],
    #            debrief_questions: [...], timings: {...}}
    # both:     {provenance: {written_by: [...], reviewed_by: [...]}} (see content.provenance)
    # solo:     {start: slug, nodes: {slug: {text_html, choices: [{text, feedback_html, next}],
    #                                        ending: {title, outcome, debrief_html} | null}}}
    data: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[dt.datetime | None]

    module: Mapped[Module] = relationship(back_populates="scenarios")


class ConfidenceItem(Base):
    __tablename__ = "confidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[dt.datetime | None]


class AuditCriterion(Base):
    """A care-plan audit criterion from audit.yaml: guidance and what scores 0, 1 and 2 mean."""

    __tablename__ = "audit_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    guidance_html: Mapped[str] = mapped_column(Text)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # {"0": "...", "1": "...", "2": "..."}
    retired_at: Mapped[dt.datetime | None]


class SupervisionTemplate(Base):
    """The agenda a trainer runs at one team supervision session after the core (course_content/supervision/)."""

    __tablename__ = "supervision_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    references: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[dt.datetime | None]


class MeasureInstrument(Base):
    """An involvement measure from course_content/measures/ (statements, scale, scoring, Easy Read), as built by
    the loader; rounds point at it by id, and a round keeps the content hash it was opened with."""

    __tablename__ = "measure_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    validated: Mapped[bool] = mapped_column(default=False)
    definition: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[dt.datetime | None]


class CoreDay(Base):
    """One day of the core workshop as content (course_content/core/day-N.md): the agenda with times, who leads
    each part, materials and role plays, and the facilitators' notes."""

    __tablename__ = "core_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    day: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    modules: Mapped[list] = mapped_column(JSON, default=list)
    # [{start, minutes, title, lead, materials: [..], roleplay: "module/scenario" | None}]
    agenda: Mapped[list] = mapped_column(JSON, default=list)
    references: Mapped[list] = mapped_column(JSON, default=list)
    body_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[dt.datetime | None]


class LocalPage(Base):
    """An organisation's own page added to a module (course_content/local/), shown only to that organisation's
    staff and marked as local. Keyed by the organisation's name as written in the overlay's organisation.yaml."""

    __tablename__ = "local_pages"
    __table_args__ = (UniqueConstraint("organisation_name", "module_slug", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_name: Mapped[str] = mapped_column(String(200), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    review_by: Mapped[str] = mapped_column(String(7))
    minutes: Mapped[int]
    body_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[dt.datetime | None]
