"""Rules for scenarios: kinds, role plays (roles, timings, checklist, debrief) and solo branching graphs."""

from __future__ import annotations

import shutil

import pytest

from tests.content.cases import Case, F, both, check_case, ed

RP = f"{F}/scenarios/first-meeting.yaml"
SOLO = f"{F}/scenarios/review-conversation.yaml"
PRACTITIONER = (
    "  practitioner:\n    title: Community mental health nurse\n    brief: |\n"
    "      You want to start the care plan today.\n"
)
SERVICE_USER = "  service_user:\n    title: Daniel, 34\n    brief: |\n      You want to get back to work.\n"
OBSERVER = "  observer:\n    title: Observer\n    brief: |\n      Watch for open questions.\n"
OPENED_UP = (
    "  - slug: ending-opened-up\n    ending:\n      title: The plan became Sam's\n      outcome: good\n"
    "      debrief: |\n        You let Sam lead.\n"
)
EXTRA_CHOICE = "      - text: Say nothing.\n        feedback: Silence can help.\n        next: tell-me-more\n"

SCENARIO = [
    Case(
        "kind-not-allowed",
        ed(RP, "kind: roleplay", "kind: role-play"),
        RP,
        "kind:",
        "kind",
        "'role-play' is not allowed here: use one of: roleplay, solo",
    ),
    Case("kind-missing", ed(RP, "kind: roleplay\n", ""), RP, 1, "kind", "add 'kind: roleplay' or 'kind: solo'"),
    Case(
        "setting-not-allowed",
        ed(RP, "setting: community", "setting: ward"),
        RP,
        "setting:",
        "setting",
        "'ward' is not allowed here: use one of: all, community",
    ),
    Case(
        "file-name-mismatch",
        ed(RP, "slug: first-meeting", "slug: first-meet"),
        RP,
        "slug: first-meet",
        "slug",
        "slug 'first-meet' does not match the file name 'first-meeting.yaml': rename the file to 'first-meet.yaml'",
    ),
    Case(
        "duplicate-scenario",
        lambda root: shutil.copy(root / RP, root / f"{F}/scenarios/second.yaml"),
        f"{F}/scenarios/second.yaml",
        "slug: first-meeting",
        "slug",
        "another scenario (" + RP,
    ),
    Case(
        "solo-field-in-roleplay",
        ed(RP, "setting: community\n", "setting: community\nstart: opening\n"),
        RP,
        "start:",
        "start",
        "unknown field 'start'",
    ),
]

ROLEPLAY = [
    *[
        Case(
            f"missing-{key}",
            ed(RP, block, ""),
            RP,
            "roles:",
            f"roles.{key}",
            f"the role play needs a '{key}' role: add '{key}:' under roles",
        )
        for key, block in (("practitioner", PRACTITIONER), ("service_user", SERVICE_USER), ("observer", OBSERVER))
    ],
    Case(
        "unknown-role",
        ed(RP, "  carer:", "  nurse:"),
        RP,
        "  nurse:",
        "roles.nurse",
        "unknown role 'nurse': fix the spelling or remove it (allowed here: practitioner, service_user, carer, "
        "observer)",
    ),
    Case(
        "unknown-timing",
        ed(RP, "prepare_minutes: 5", "warmup_minutes: 5, prepare_minutes: 5"),
        RP,
        "timings:",
        "timings.warmup_minutes",
        "unknown timing 'warmup_minutes'",
    ),
    Case(
        "missing-timing",
        ed(RP, "prepare_minutes: 5, ", ""),
        RP,
        "timings:",
        "timings.prepare_minutes",
        "'prepare_minutes' is missing",
    ),
    Case(
        "checklist-too-short",
        ed(RP, "  - slug: checked-understanding\n    behaviour: Checked understanding\n", ""),
        RP,
        "observer_checklist:",
        "observer_checklist",
        "needs at least 3 checklist items, found 2",
    ),
    Case(
        "duplicate-checklist-item",
        ed(RP, "slug: summarised", "slug: asked-priorities"),
        RP,
        "slug: asked-priorities",
        "observer_checklist.2.slug",
        "duplicate slug 'asked-priorities'",
        nth=2,
    ),
    Case(
        "debrief-too-short",
        ed(RP, "  - What would you do differently?\n", ""),
        RP,
        "debrief_questions:",
        "debrief_questions",
        "needs at least 2 debrief questions, found 1",
    ),
]

SOLO_CASES = [
    Case(
        "start-names-no-node",
        ed(SOLO, "start: opening", "start: beginning"),
        SOLO,
        "start:",
        "start",
        "start names no node: 'beginning' is not a node here; use one of: opening, tell-me-more",
    ),
    Case(
        "next-names-no-node",
        ed(SOLO, "next: tell-me-more", "next: tell-me-mor"),
        SOLO,
        "next: tell-me-mor",
        "nodes.1.choices.1.next",
        "next names no node: 'tell-me-mor' is not a node here",
    ),
    Case(
        "choices-and-ending",
        ed(
            SOLO,
            "  - slug: tell-me-more\n",
            "    ending: {title: Stop, outcome: mixed, debrief: Stopped.}\n  - slug: tell-me-more\n",
        ),
        SOLO,
        "- slug: opening",
        "nodes.1",
        "node 'opening' has both choices and an ending: keep only one",
    ),
    Case(
        "neither-choices-nor-ending",
        ed(SOLO, OPENED_UP, "  - slug: ending-opened-up\n    text: Nothing.\n"),
        SOLO,
        "- slug: ending-opened-up",
        "nodes.3",
        "neither choices nor an ending",
    ),
    Case(
        "one-choice",
        ed(
            SOLO,
            "      - text: Read out the goals from last time.\n"
            "        feedback: Sam hears the plan is yours, not theirs.\n"
            "        next: ending-closed-down\n",
            "",
        ),
        SOLO,
        "choices:",
        "nodes.1.choices",
        "needs at least 2 choices, found 1",
    ),
    Case(
        "five-choices",
        ed(SOLO, "  - slug: tell-me-more\n", EXTRA_CHOICE * 3 + "  - slug: tell-me-more\n"),
        SOLO,
        "choices:",
        "nodes.1.choices",
        "allows at most 4 choices, found 5: remove 1",
    ),
    Case(
        "choices-without-text",
        ed(SOLO, "    text: |\n      Sam looks at the floor and says nothing.\n", ""),
        SOLO,
        "- slug: opening",
        "nodes.1",
        "node 'opening' has no text",
    ),
    Case(
        "unreachable-node",
        ed(
            SOLO,
            OPENED_UP,
            OPENED_UP + "  - slug: orphan\n    ending: {title: Lost, outcome: mixed, debrief: Never seen.}\n",
        ),
        SOLO,
        "- slug: orphan",
        "nodes.4",
        "node 'orphan' cannot be reached from the start",
    ),
    Case(
        "dead-end-cycle",
        both(
            ed(SOLO, "next: ending-opened-up", "next: tell-me-more"),
            ed(
                SOLO,
                "Sam goes quiet again.\n        next: ending-closed-down",
                "Sam goes quiet again.\n        next: tell-me-more",
            ),
        ),
        SOLO,
        "- slug: tell-me-more",
        "nodes.2",
        "dead end: no ending can be reached from node 'tell-me-more'",
    ),
    Case(
        "fewer-than-2-endings",
        both(ed(SOLO, "next: ending-opened-up", "next: ending-closed-down"), ed(SOLO, OPENED_UP, "")),
        SOLO,
        "nodes:",
        "nodes",
        "needs at least 2 endings, found 1",
    ),
    Case(
        "endings-all-same-outcome",
        ed(SOLO, "outcome: good", "outcome: poor"),
        SOLO,
        "nodes:",
        "nodes",
        "every ending has the outcome 'poor'",
    ),
    Case(
        "outcome-not-allowed",
        ed(SOLO, "outcome: good", "outcome: great"),
        SOLO,
        "outcome:",
        "nodes.3.ending.outcome",
        "'great' is not allowed here: use one of: good, mixed, poor",
    ),
    Case(
        "duplicate-node",
        ed(SOLO, "slug: tell-me-more", "slug: opening"),
        SOLO,
        "slug: opening",
        "nodes.2.slug",
        "duplicate slug 'opening': another node (line 11) already uses it",
        nth=2,
    ),
    Case(
        "roleplay-field-in-solo",
        ed(SOLO, "start: opening\n", "start: opening\ndebrief_questions: [Why]\n"),
        SOLO,
        "debrief_questions:",
        "debrief_questions",
        "unknown field 'debrief_questions'",
    ),
]


@pytest.mark.parametrize("case", SCENARIO + ROLEPLAY + SOLO_CASES, ids=str)
def test_rule(tmp_path, case):
    check_case(tmp_path, case)
