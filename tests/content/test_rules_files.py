"""Rules inside one file: YAML syntax, front matter, fields, types, allowed values, slugs, quiz and confidence."""

from __future__ import annotations

import pytest

from tests.content.cases import Case, F, L, check_case, cut, ed, put, rm

U1 = f"{F}/units/01-what-involvement-means.md"
QUIZ = f"{F}/quiz.yaml"
MOD = f"{F}/module.md"
WRONG_OPTION_1 = "      - text: A wrong answer to 1.\n        correct: false\n        explanation: Why it is wrong.\n"

SYNTAX = [
    Case(
        "yaml-colon-in-value",
        ed(
            "programme.yaml",
            'title: "EQUIP: involving service users and carers in care planning"',
            "title: EQUIP: involving",
        ),
        "programme.yaml",
        2,
        "-",
        "mapping values are not allowed here",
    ),
    Case(
        "yaml-in-front-matter",
        ed(U1, "minutes: 1", "minutes: 1: 13"),
        U1,
        "minutes: 1: 13",
        "-",
        "put the whole value in double quotes",
    ),
    Case("yaml-tab", ed(QUIZ, "pass_mark: 80\n", "pass_mark: 80\n\tx: 1\n"), QUIZ, 2, "-", "not tabs"),
    Case(
        "yaml-duplicate-key",
        ed(MOD, "estimated_minutes: 90\n", "estimated_minutes: 90\nestimated_minutes: 60\n"),
        MOD,
        "estimated_minutes: 60",
        "estimated_minutes",
        "appears twice",
    ),
    Case("no-front-matter", ed(U1, "---\n", ""), U1, 1, "-", "missing front matter"),
    Case("front-matter-not-closed", ed(U1, 'when: "2026-11"}\n---\n', 'when: "2026-11"}\n'), U1, 1, "-", "not closed"),
    Case("empty-file", put(QUIZ, ""), QUIZ, 1, "-", "the file is empty"),
    Case(
        "not-utf8",
        lambda root: (root / QUIZ).write_bytes(b"pass_mark: 80\nx: caf\xe9\n"),
        QUIZ,
        2,
        "-",
        "save the file as UTF-8",
    ),
    Case("missing-programme", rm("programme.yaml"), "programme.yaml", 1, "-", "the file is missing"),
    Case("missing-module-md", rm(MOD), MOD, 1, "-", "every module folder needs a module.md"),
    Case(
        "unexpected-file",
        put(f"{F}/quiz.yml", "pass_mark: 80\n"),
        f"{F}/quiz.yml",
        1,
        "-",
        "unexpected file 'quiz.yml'",
    ),
]

FIELDS = [
    Case(
        "missing-top-level",
        ed(MOD, "estimated_minutes: 90\n", ""),
        MOD,
        2,
        "estimated_minutes",
        "'estimated_minutes' is missing",
    ),
    Case(
        "missing-nested-bool",
        ed(MOD, "  workshop: false\n", ""),
        MOD,
        "completion:",
        "completion.workshop",
        "add 'workshop: true' or 'workshop: false'",
    ),
    Case(
        "missing-explanation",
        ed(QUIZ, "        explanation: Why it is right.\n", ""),
        QUIZ,
        "- text: A right answer to 1.",
        "questions.1.options.2.explanation",
        "'explanation' is missing",
    ),
    Case(
        "unknown-field",
        ed(MOD, "estimated_minutes:", "estimated_mins:"),
        MOD,
        "estimated_mins",
        "estimated_mins",
        "unknown field 'estimated_mins': fix the spelling or remove it (allowed here: slug,",
    ),
    Case(
        "int-type",
        ed(U1, "minutes: 1", "minutes: twelve"),
        U1,
        "minutes:",
        "minutes",
        "should be a whole number, not 'twelve'",
    ),
    Case("int-quoted", ed(U1, "minutes: 1", 'minutes: "1"'), U1, "minutes:", "minutes", "without quotes"),
    Case(
        "float-type",
        ed(MOD, "individual: 1.5", "individual: lots"),
        MOD,
        "individual:",
        "cpd_hours.individual",
        "should be a number",
    ),
    Case(
        "bool-type",
        ed(QUIZ, "correct: false", "correct: maybe"),
        QUIZ,
        "correct: maybe",
        "questions.1.options.1.correct",
        "should be true or false",
    ),
    Case(
        "text-type",
        ed(MOD, "title: Foundations of involved care planning", "title: yes"),
        MOD,
        "title: yes",
        "title",
        "should be text, not true: put the text in double quotes",
    ),
    Case("list-type", ed(MOD, "settings: [all]", "settings: all"), MOD, "settings:", "settings", "should be a list"),
    Case(
        "empty-text",
        ed(MOD, "summary: A short summary of foundations.", 'summary: ""'),
        MOD,
        "summary:",
        "summary",
        "is empty: write some text here",
    ),
    Case(
        "setting-not-allowed",
        ed(MOD, "settings: [all]", "settings: [all, hospital]"),
        MOD,
        "settings:",
        "settings.2",
        "'hospital' is not allowed here: use one of: all, community, inpatient",
    ),
    Case(
        "author-role",
        ed(MOD, "role: professional", "role: doctor"),
        MOD,
        "role: doctor",
        "authors.1.role",
        "use one of: professional, service_user_trainer, carer_trainer",
    ),
    Case(
        "minutes-range",
        ed(U1, "minutes: 1", "minutes: 0"),
        U1,
        "minutes:",
        "minutes",
        "0 is out of range: use a number from 1 to 600",
    ),
    Case(
        "slug-format",
        ed(U1, "slug: what-involvement-means", "slug: What Involvement"),
        U1,
        "slug:",
        "slug",
        "'What Involvement' is not a valid slug: use only lower-case letters, digits and hyphens, "
        "e.g. 'what-involvement'",
    ),
    Case(
        "prompts-fewer-than-2",
        ed(MOD, "  - slug: a-time-you-listened\n    prompt: Think of a time you listened before you assessed.\n", ""),
        MOD,
        "reflective_prompts:",
        "reflective_prompts",
        "needs at least 2 reflective prompts, found 1",
    ),
    Case(
        "workshop-kind-without-workshop",
        ed(MOD, "  workshop: false\n", "  workshop: false\n  workshop_kind: core\n"),
        MOD,
        "workshop_kind: core",
        "completion.workshop_kind",
        "workshop_kind names the workshop that completes the module, but workshop is false: set 'workshop: true'",
    ),
    Case(
        "workshop-kind-unknown",
        ed(MOD, "  workshop: false\n", "  workshop: true\n  workshop_kind: training\n"),
        MOD,
        "workshop_kind: training",
        "completion.workshop_kind",
        "'training' is not allowed here: use one of: core, supervision, booster",
    ),
    Case(
        "core-twice",
        ed(MOD, "  workshop: false\n", "  workshop: true\n  workshop_kind: core\n  core: true\n"),
        MOD,
        "core: true",
        "completion.core",
        "ask for the same thing twice",
    ),
    Case(
        "core-not-bool",
        ed(MOD, "  workshop: false\n", "  workshop: false\n  core: both days\n"),
        MOD,
        "core: both days",
        "completion.core",
        "should be true or false",
    ),
    Case(
        "duplicate-prompt",
        ed(MOD, "slug: a-time-you-listened", "slug: a-plan-you-wrote"),
        MOD,
        "slug: a-plan-you-wrote",
        "reflective_prompts.2.slug",
        "duplicate slug 'a-plan-you-wrote'",
        nth=2,
    ),
]

QUIZ_CASES = [
    Case(
        "pass-mark-low",
        ed(QUIZ, "pass_mark: 80", "pass_mark: 0"),
        QUIZ,
        1,
        "pass_mark",
        "0 is out of range: use a number from 1 to 100",
    ),
    Case("pass-mark-high", ed(QUIZ, "pass_mark: 80", "pass_mark: 101"), QUIZ, 1, "pass_mark", "from 1 to 100"),
    Case(
        "no-correct-answer",
        ed(QUIZ, "correct: true", "correct: false"),
        QUIZ,
        "options:",
        "questions.1.options",
        "question 'question-1' has no correct answer: mark at least one option 'correct: true'",
    ),
    Case(
        "fewer-than-6-questions",
        cut(QUIZ, "  - slug: question-6"),
        QUIZ,
        "questions:",
        "questions",
        "needs at least 6 questions, found 5: add 1 more",
    ),
    Case(
        "one-option",
        ed(QUIZ, WRONG_OPTION_1, ""),
        QUIZ,
        "options:",
        "questions.1.options",
        "needs at least 2 options, found 1",
    ),
    Case(
        "seven-options",
        ed(QUIZ, WRONG_OPTION_1, WRONG_OPTION_1 * 6),
        QUIZ,
        "options:",
        "questions.1.options",
        "allows at most 6 options, found 7: remove 1",
    ),
    Case(
        "duplicate-question",
        ed(QUIZ, "slug: question-2", "slug: question-1"),
        QUIZ,
        "slug: question-1",
        "questions.2.slug",
        "duplicate slug 'question-1': another question (line 3) already uses it",
        nth=2,
    ),
]

CONFIDENCE = [
    Case(
        "five-items",
        cut("confidence.yaml", "  - slug: write-in-their-words"),
        "confidence.yaml",
        "items:",
        "items",
        "needs at least 6 confidence items, found 5",
    ),
    Case(
        "nine-items",
        ed(
            "confidence.yaml",
            "  - slug: negotiate-risk\n",
            "".join(f"  - slug: extra-{n}\n    text: Extra {n}\n" for n in range(3)) + "  - slug: negotiate-risk\n",
        ),
        "confidence.yaml",
        "items:",
        "items",
        "allows at most 8 confidence items, found 9",
    ),
    Case(
        "labels-gap",
        ed("confidence.yaml", "    5: Completely confident\n", ""),
        "confidence.yaml",
        "labels:",
        "scale.labels",
        "add a label for 5",
    ),
    Case(
        "label-outside",
        ed("confidence.yaml", "    5: Completely confident\n", "    5: Completely confident\n    6: Beyond\n"),
        "confidence.yaml",
        "6: Beyond",
        "scale.labels.6",
        "label 6 is outside the scale 1-5",
    ),
    Case(
        "min-not-below-max",
        ed("confidence.yaml", "max: 5", "max: 1"),
        "confidence.yaml",
        "max: 1",
        "scale.max",
        "must be larger than min",
    ),
    Case(
        "duplicate-item",
        ed("confidence.yaml", "slug: involve-carers", "slug: negotiate-risk"),
        "confidence.yaml",
        "slug: negotiate-risk",
        "items.5.slug",
        "duplicate slug 'negotiate-risk'",
        nth=2,
    ),
]


@pytest.mark.parametrize("case", SYNTAX + FIELDS + QUIZ_CASES + CONFIDENCE, ids=str)
def test_rule(tmp_path, case):
    check_case(tmp_path, case)


def test_listening_module_is_untouched_by_a_foundations_mistake(tmp_path):
    problems = check_case(tmp_path, Case("x", ed(U1, "minutes: 1", "minutes: 0"), U1, "minutes:", "minutes", "0"))
    assert not [p for p in problems if p.file.startswith(L)]
