"""What the loader hands out: problems, and the course as frozen dataclasses (independent of the schema)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the course files, located as precisely as the file allows."""

    file: str  # relative to the content root, forward slashes
    line: int  # 1-based; 1 when no better line is known
    field: str  # dotted path ("questions.2.options", lists numbered from 1) or "-" for the whole file
    message: str  # what is wrong and how to fix it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ContentInvalid(Exception):
    """Raised by `load_course` when the files have problems; `.problems` lists all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the course content:\n" + "\n".join(map(str, problems)))


@dataclass(frozen=True)
class WorkshopRuleDef:
    core: list[str]  # modules a signed-off core workshop must have covered (one workshop or several)
    follow_ups: int  # follow-up sessions of such a core workshop, attended and signed off
    supervision: bool = False  # also the supervision sessions programme.yaml's rule counts, attended


@dataclass(frozen=True)
class CertificateDef:
    slug: str
    title: str
    description: str
    modules: list[str]
    workshops: WorkshopRuleDef | None = None
    audience: str = "staff"  # staff or students


@dataclass(frozen=True)
class ProgrammeDef:
    slug: str
    title: str
    summary: str
    summary_html: str
    module_slugs: list[str]
    certificates: list[CertificateDef]
    # Supervision sessions that count (certificates, team trained): None means all the platform plans.
    supervision_sessions: int | None = None


@dataclass(frozen=True)
class ConfidenceItemDef:
    slug: str
    text: str
    position: int


@dataclass(frozen=True)
class ConfidenceDef:
    min: int
    max: int
    labels: dict[int, str]
    items: list[ConfidenceItemDef]


@dataclass(frozen=True)
class CompletionRules:
    units: bool
    quiz: bool
    reflection: bool
    practice: bool
    workshop: bool
    core: bool = False
    workshop_kind: str | None = None


@dataclass(frozen=True)
class AuthorDef:
    name: str
    role: str


@dataclass(frozen=True)
class PromptDef:
    slug: str
    prompt: str
    position: int


@dataclass(frozen=True)
class UnitDef:
    slug: str
    position: int
    title: str
    minutes: int
    body_md: str
    body_html: str
    content_hash: str
    provenance: dict  # {"written_by": [{role, name, when}], "reviewed_by": [...]}; names only with consent


@dataclass(frozen=True)
class OptionDef:
    position: int
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class QuestionDef:
    slug: str
    position: int
    prompt: str
    multiple: bool
    options: list[OptionDef]


@dataclass(frozen=True)
class QuizDef:
    pass_mark: int
    questions: list[QuestionDef]
    content_hash: str


@dataclass(frozen=True)
class RoleDef:
    key: str
    title: str
    brief_html: str


@dataclass(frozen=True)
class ChecklistItemDef:
    slug: str
    behaviour: str
    position: int


@dataclass(frozen=True)
class ChoiceDef:
    position: int
    text: str
    feedback_html: str
    next: str


@dataclass(frozen=True)
class EndingDef:
    title: str
    outcome: str
    debrief_html: str


@dataclass(frozen=True)
class NodeDef:
    slug: str
    text_html: str
    choices: list[ChoiceDef]
    ending: EndingDef | None


@dataclass(frozen=True)
class ScenarioDef:
    slug: str
    kind: Literal["roleplay", "solo"]
    position: int
    title: str
    summary: str
    setting: str
    skills: list[str]
    content_hash: str
    roles: dict[str, RoleDef]
    observer_checklist: list[ChecklistItemDef]
    debrief_questions: list[str]
    timings: dict[str, int]
    start: str | None
    nodes: list[NodeDef]
    provenance: dict


@dataclass(frozen=True)
class ModuleDef:
    slug: str
    folder: str
    position: int
    title: str
    summary: str
    prerequisites: list[str]
    outcomes: list[str]
    estimated_minutes: int
    cpd_individual_hours: float
    cpd_participatory_hours: float
    completion: CompletionRules
    settings: list[str]
    authors: list[AuthorDef]
    reflective_prompts: list[PromptDef]
    references: list[str]
    intro_md: str
    intro_html: str
    units: list[UnitDef]
    quiz: QuizDef | None
    scenarios: list[ScenarioDef]
    content_hash: str


@dataclass(frozen=True)
class AgendaItemDef:
    start: str
    minutes: int
    title: str
    lead: str  # both, lived_experience, professional
    materials: list[str]
    roleplay: str | None  # module-slug/scenario-slug


@dataclass(frozen=True)
class CoreDayDef:
    """One core day's agenda (course_content/core/day-N.md)."""

    slug: str
    day: int
    title: str
    summary: str
    modules: list[str]
    agenda: list[AgendaItemDef]
    references: list[str]
    body_html: str
    content_hash: str


@dataclass(frozen=True)
class LocalPageDef:
    """An organisation's own page added to a module (course_content/local/), shown to its staff as local."""

    organisation: str
    module_slug: str
    slug: str
    position: int
    title: str
    owner: str
    review_by: str
    minutes: int
    body_html: str
    content_hash: str


@dataclass(frozen=True)
class SupervisionDef:
    """One team supervision session's agenda (course_content/supervision/session-N.md)."""

    slug: str
    number: int
    title: str
    minutes: int
    summary: str
    references: list[str]
    body_html: str
    content_hash: str


@dataclass(frozen=True)
class Course:
    programme: ProgrammeDef
    confidence: ConfidenceDef
    modules: list[ModuleDef]
    audit: Any = None  # content.audit_criteria.AuditDef, or None without audit.yaml
    supervision: list[SupervisionDef] = field(default_factory=list)
    measures: list[Any] = field(default_factory=list)  # content.measures.MeasureDef
    core_days: list[CoreDayDef] = field(default_factory=list)
    local_pages: list[LocalPageDef] = field(default_factory=list)
