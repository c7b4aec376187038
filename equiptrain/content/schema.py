"""Pydantic models of the course files, field for field as course_content/README.md describes them.

Presence, types, allowed values, ranges and list lengths live here; rules that need more than one field or more
than one file (prerequisites, links, the shape of a branching scenario) are in `checks`. Models are strict: YAML
already gives numbers and true/false, so a quoted "90" is a mistake worth reporting rather than guessing at.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MONTH_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
NOT_BLANK_PATTERN = r"\S"

# The closed sets of values, written once as Literal types (what the models check) with their values as tuples.
Setting = Literal["all", "community", "inpatient", "crisis", "later_life", "early_intervention", "other"]
AuthorRole = Literal["professional", "service_user_trainer", "carer_trainer"]
Outcome = Literal["good", "mixed", "poor"]
ScenarioKind = Literal["roleplay", "solo"]
WorkshopKind = Literal["core", "supervision", "booster"]

SETTINGS: tuple[str, ...] = get_args(Setting)
AUTHOR_ROLES: tuple[str, ...] = get_args(AuthorRole)
LIVED_EXPERIENCE_ROLES = ("service_user_trainer", "carer_trainer")
OUTCOMES: tuple[str, ...] = get_args(Outcome)
SCENARIO_KINDS: tuple[str, ...] = get_args(ScenarioKind)
ROLE_KEYS = ("practitioner", "service_user", "carer", "observer")
BOX_KINDS = ("lived-experience", "example", "note", "warning")
WORKSHOP_KINDS: tuple[str, ...] = get_args(WorkshopKind)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
# Text and Markdown are kept exactly as written (no stripping) so line numbers inside Markdown stay right.
Text = Annotated[str, StringConstraints(pattern=NOT_BLANK_PATTERN)]
Markdown = Annotated[str, StringConstraints(pattern=NOT_BLANK_PATTERN)]
Minutes = Annotated[int, Field(ge=1, le=600)]
Hours = Annotated[float, Field(ge=0, le=100)]
Month = Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]


class Strict(BaseModel):
    """Base for every model: unknown fields are errors, no type coercion, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    # What one of this model's fields is called in messages ("unknown role 'nurse'").
    noun: ClassVar[str] = "field"


# programme.yaml


class WorkshopRule(Strict):
    """Workshops a certificate needs: a signed-off core workshop covering each of `core`, then `follow_ups`
    follow-up sessions (team supervision or booster) of such a core workshop."""

    core: Annotated[list[Slug], Field(min_length=1)]
    follow_ups: Annotated[int, Field(ge=0, le=20)] = 0
    # Also needs the team supervision sessions that programme.yaml's `supervision` rule counts, attended.
    supervision: bool = False


class Certificate(Strict):
    slug: Slug
    title: Text
    description: Text
    modules: Annotated[list[Slug], Field(min_length=1)]
    workshops: WorkshopRule | None = None
    # A certificate that lapses (e.g. for recertification): months from issue; its credential has validUntil.
    valid_for_months: Annotated[int, Field(ge=1, le=120)] | None = None
    # Who can earn it: staff (the default) or students on placement, whose course has no team-only parts.
    audience: Literal["staff", "students"] = "staff"


class Publishing(Strict):
    # When true, a module is published only once every unit and scenario in it has a review by a service-user
    # or carer trainer recorded in `reviewed_by` (the validator and the sync refuse otherwise).
    require_lived_experience_review: bool = False


class SupervisionRule(Strict):
    """How many team supervision sessions after the core count, for a certificate that asks for them (attended)
    and for a team to count as trained (held): `all` (the sessions the platform plans, SUPERVISION_SESSIONS,
    3 by default) or a number."""

    sessions_required: Literal["all"] | Annotated[int, Field(ge=0, le=12)] = "all"


class Programme(Strict):
    slug: Slug
    title: Text
    summary: Markdown
    modules: Annotated[list[Slug], Field(min_length=1)]
    certificates: list[Certificate] = []
    publishing: Publishing = Publishing()
    supervision: SupervisionRule = SupervisionRule()


# confidence.yaml


class Scale(Strict):
    min: int
    max: int
    labels: dict[int, Text]


class ConfidenceItem(Strict):
    slug: Slug
    text: Text


class Confidence(Strict):
    scale: Scale
    items: Annotated[list[ConfidenceItem], Field(min_length=6, max_length=8)]


# modules/NN-slug/module.md front matter


class CpdHours(Strict):
    individual: Hours
    participatory: Hours


class Completion(Strict):
    units: bool
    quiz: bool
    reflection: bool
    practice: bool
    workshop: bool
    # Attended the core: every session of a core workshop (or the share the organisation sets), any core workshop.
    core: bool = False
    # The kind of workshop whose attendance meets `workshop: true` (any kind when left out).
    workshop_kind: WorkshopKind | None = None


class Author(Strict):
    name: Text
    role: AuthorRole


class Contribution(Strict):
    """Who wrote or reviewed a unit or scenario: the role always, a display name only with their consent."""

    role: AuthorRole
    name: Text | None = None
    consent_to_name: bool = False
    when: Month  # "YYYY-MM"


class ReflectivePrompt(Strict):
    slug: Slug
    prompt: Text


class ModuleMeta(Strict):
    slug: Slug
    title: Text
    summary: Text
    prerequisites: list[Slug] = []
    outcomes: Annotated[list[Text], Field(min_length=1)]
    estimated_minutes: Annotated[int, Field(ge=1, le=6000)]
    cpd_hours: CpdHours
    completion: Completion
    settings: Annotated[list[Setting], Field(min_length=1)]
    authors: Annotated[list[Author], Field(min_length=1)]
    reflective_prompts: Annotated[list[ReflectivePrompt], Field(min_length=2)]
    references: Annotated[list[Text], Field(min_length=1)]


# units/NN-slug.md front matter


class UnitMeta(Strict):
    slug: Slug
    title: Text
    # Worked out from the text (see `variants.reading_minutes`); if written, it must match (the validator checks).
    minutes: Annotated[int | None, Field(ge=1, le=600)] = None
    written_by: Annotated[list[Contribution], Field(min_length=1)]
    reviewed_by: list[Contribution] = []


# quiz.yaml


class Option(Strict):
    text: Text
    correct: bool
    explanation: Text


class Question(Strict):
    slug: Slug
    prompt: Text
    options: Annotated[list[Option], Field(min_length=2, max_length=6)]


class Quiz(Strict):
    pass_mark: Annotated[int, Field(ge=1, le=100)]
    questions: Annotated[list[Question], Field(min_length=6)]


# scenarios/SLUG.yaml


class ScenarioHead(BaseModel):
    """Only the `kind`, read first to choose the model for the rest of the file."""

    model_config = ConfigDict(extra="allow", strict=True)
    kind: ScenarioKind


class Role(Strict):
    title: Text
    brief: Markdown


class Roles(Strict):
    noun: ClassVar[str] = "role"
    practitioner: Role
    service_user: Role
    carer: Role | None = None
    observer: Role


class Timings(Strict):
    noun: ClassVar[str] = "timing"
    prepare_minutes: Annotated[int, Field(ge=0, le=240)]
    play_minutes: Annotated[int, Field(ge=1, le=240)]
    debrief_minutes: Annotated[int, Field(ge=1, le=240)]


class ChecklistItem(Strict):
    slug: Slug
    behaviour: Text


class ScenarioBase(Strict):
    slug: Slug
    title: Text
    summary: Text
    setting: Setting
    skills: Annotated[list[Text], Field(min_length=1)]
    written_by: Annotated[list[Contribution], Field(min_length=1)]
    reviewed_by: list[Contribution] = []


class RolePlay(ScenarioBase):
    kind: Literal["roleplay"]
    timings: Timings
    roles: Roles
    observer_checklist: Annotated[list[ChecklistItem], Field(min_length=3)]
    debrief_questions: Annotated[list[Text], Field(min_length=2)]


class Choice(Strict):
    text: Text
    feedback: Markdown
    next: Slug


class Ending(Strict):
    title: Text
    outcome: Outcome
    debrief: Markdown


class Node(Strict):
    slug: Slug
    text: Markdown | None = None
    choices: Annotated[list[Choice], Field(min_length=2, max_length=4)] | None = None
    ending: Ending | None = None


class Solo(ScenarioBase):
    kind: Literal["solo"]
    start: Slug
    nodes: Annotated[list[Node], Field(min_length=1)]


SCENARIO_MODELS: dict[str, type[ScenarioBase]] = {"roleplay": RolePlay, "solo": Solo}


# core/day-N.md front matter: the two core days as content

Lead = Literal["both", "lived_experience", "professional"]
LEADS: tuple[str, ...] = get_args(Lead)
Clock = Annotated[str, StringConstraints(pattern=r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")]


class AgendaItem(Strict):
    noun: ClassVar[str] = "agenda field"
    start: Clock  # "09:30", in double quotes
    minutes: Annotated[int, Field(ge=5, le=240)]
    title: Text
    # Who leads this part: the lived-experience trainer, the professional trainer, or both together.
    lead: Lead
    materials: list[Text] = []
    # A role play used in this part: MODULE-SLUG/SCENARIO-SLUG, checked against the course.
    roleplay: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")] | None = None


class CoreDayMeta(Strict):
    slug: Slug
    day: Annotated[int, Field(ge=1, le=5)]
    title: Text
    summary: Text
    modules: Annotated[list[Slug], Field(min_length=1)]
    agenda: Annotated[list[AgendaItem], Field(min_length=2)]
    references: Annotated[list[Text], Field(min_length=1)]


# local/<folder>/organisation.yaml and local/<folder>/<module-slug>/NN-slug.md: an organisation's own pages


class LocalOrganisation(Strict):
    # The organisation's name exactly as on the platform; its staff see these pages.
    name: Text


class LocalPageMeta(Strict):
    slug: Slug
    title: Text
    # Who in the organisation keeps the page up to date, and by when it must be checked again.
    owner: Text
    review_by: Month
    written_by: Annotated[list[Contribution], Field(min_length=1)]
    reviewed_by: list[Contribution] = []


# supervision/session-N.md front matter


class SupervisionMeta(Strict):
    slug: Slug
    number: Annotated[int, Field(ge=1, le=12)]
    title: Text
    minutes: Minutes
    summary: Text
    references: list[Text] = []
