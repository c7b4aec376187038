"""The reflective templates a learner writes with, and the themes of the NMC Code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    hint: str


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    description: str
    fields: tuple[Field, ...]
    # Only the NMC template records Code themes; only its entries count as revalidation reflective accounts.
    code_themes: bool = False


CODE_THEMES = {
    "prioritise-people": "Prioritise people",
    "practise-effectively": "Practise effectively",
    "preserve-safety": "Preserve safety",
    "promote-professionalism": "Promote professionalism and trust",
}

TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "nmc",
            "NMC reflective account",
            "The form nurses and midwives use for revalidation: it counts towards your 5 reflective accounts.",
            (
                Field(
                    "nature",
                    "What was the nature of the CPD activity, feedback or experience?",
                    "Describe what happened or what you did, without naming anyone.",
                ),
                Field("learned", "What did you learn from it?", ""),
                Field("changed", "How did you change or improve your practice as a result, or how will you?", ""),
            ),
            code_themes=True,
        ),
        Template(
            "gibbs",
            "Gibbs' reflective cycle",
            "Six stages: description, feelings, evaluation, analysis, conclusion and action plan.",
            (
                Field("description", "Description: what happened?", "Describe it without naming anyone."),
                Field("feelings", "Feelings: what were you thinking and feeling?", ""),
                Field("evaluation", "Evaluation: what was good and bad about the experience?", ""),
                Field("analysis", "Analysis: what sense can you make of it?", ""),
                Field("conclusion", "Conclusion: what else could you have done?", ""),
                Field("action_plan", "Action plan: if it happened again, what would you do?", ""),
            ),
        ),
        Template(
            "what",
            "What? So what? Now what?",
            "Three short questions (Driscoll's model): what happened, why it matters, and what you will do next.",
            (
                Field("what", "What? Describe what happened", "Describe it without naming anyone."),
                Field("so_what", "So what? Why does it matter, and what did you learn?", ""),
                Field("now_what", "Now what? What will you do differently?", ""),
            ),
        ),
        Template(
            "free",
            "Free text",
            "Write in your own way.",
            (Field("text", "Your reflection", "Describe events without naming anyone."),),
        ),
    )
}


def text_fields(entry_fields: dict, template: Template) -> list[tuple[Field, str]]:
    """The entry's written answers in template order."""
    return [(f, entry_fields.get(f.key) or "") for f in template.fields]
