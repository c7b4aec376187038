"""Rules across files: programme and folders, prerequisites, completion rules, unit links and boxes."""

from __future__ import annotations

import shutil

import pytest

from equiptrain.content.loader import validate_course
from tests.content.cases import Case, F, L, both, check_case, ed, put, rm
from tests.content.trees import edit, write_valid_tree

MOD = f"{F}/module.md"
LMOD = f"{L}/module.md"
U1 = f"{F}/units/01-what-involvement-means.md"
U2 = f"{F}/units/02-power-in-the-relationship.md"
LU2 = f"{L}/units/02-summarising.md"
ROLEPLAY = f"{F}/scenarios/first-meeting.yaml"
SOLO = f"{F}/scenarios/review-conversation.yaml"


def copy_folder(source: str, target: str):
    return lambda root: shutil.copytree(root / source, root / target)


def rename(source: str, target: str):
    return lambda root: (root / source).rename(root / target)


PROGRAMME = [
    Case(
        "listed-without-folder",
        ed("programme.yaml", "  - listening\n", "  - listening\n  - carers\n"),
        "programme.yaml",
        "  - carers",
        "modules.3",
        "module 'carers' is listed but has no folder: create modules/03-carers/",
    ),
    Case(
        "folder-not-listed",
        ed("programme.yaml", "  - listening\n", ""),
        LMOD,
        1,
        "-",
        "module 'listening' is not listed in programme.yaml: add '- listening' under modules:",
    ),
    Case(
        "listed-twice",
        ed("programme.yaml", "  - listening\n", "  - listening\n  - foundations\n"),
        "programme.yaml",
        "  - foundations",
        "modules.3",
        "module 'foundations' is listed twice",
        nth=2,
    ),
    Case(
        "duplicate-module-slug",
        copy_folder(L, "modules/03-listening"),
        "modules/03-listening/module.md",
        "slug: listening",
        "slug",
        "duplicate module slug 'listening': modules/02-listening already uses it",
    ),
    Case(
        "folder-name-format",
        rename(F, "modules/1-foundations"),
        "modules/1-foundations/module.md",
        1,
        "-",
        "the folder name '1-foundations' should be two digits, a hyphen and the module slug, e.g. '01-foundations'",
    ),
    Case(
        "folder-slug-mismatch",
        rename(F, "modules/01-foundation"),
        "modules/01-foundation/module.md",
        "slug: foundations",
        "slug",
        "does not match the folder name '01-foundation': rename the folder to '01-foundations'",
    ),
    Case(
        "certificate-unknown-module",
        ed("programme.yaml", "modules: [foundations, listening]", "modules: [foundations, listenin]"),
        "programme.yaml",
        "modules: [foundations, listenin]",
        "certificates.1.modules.2",
        "unknown module 'listenin': use one of: foundations, listening",
    ),
    Case("module-without-units", rm(f"{F}/units"), MOD, 1, "-", "the module has no units"),
    Case(
        "certificate-workshop-unknown-module",
        ed(
            "programme.yaml",
            "modules: [foundations, listening]\n",
            "modules: [foundations, listening]\n    workshops:\n      core: [fundations]\n",
        ),
        "programme.yaml",
        "core: [fundations]",
        "certificates.1.workshops.core.1",
        "unknown module 'fundations': use one of: foundations, listening",
    ),
    Case(
        "certificate-workshop-module-not-required",
        ed(
            "programme.yaml",
            "modules: [foundations, listening]\n",
            "modules: [foundations]\n    workshops:\n      core: [listening]\n",
        ),
        "programme.yaml",
        "core: [listening]",
        "certificates.1.workshops.core.1",
        "the core workshop covers 'listening' but the certificate does not require that module",
    ),
    Case(
        "certificate-follow-ups-range",
        ed(
            "programme.yaml",
            "modules: [foundations, listening]\n",
            "modules: [foundations, listening]\n    workshops:\n      core: [foundations]\n      follow_ups: 50\n",
        ),
        "programme.yaml",
        "follow_ups: 50",
        "certificates.1.workshops.follow_ups",
        "20",
    ),
]

PREREQUISITES = [
    Case(
        "unknown-prerequisite",
        ed(LMOD, "prerequisites: [foundations]", "prerequisites: [foundation]"),
        LMOD,
        "prerequisites:",
        "prerequisites.1",
        "unknown prerequisite 'foundation': use one of: foundations",
    ),
    Case(
        "prerequisite-later",
        ed(MOD, "prerequisites: []", "prerequisites: [listening]"),
        MOD,
        "prerequisites:",
        "prerequisites.1",
        "prerequisite 'listening' comes later in the programme than 'foundations'",
    ),
    Case(
        "prerequisite-cycle",
        ed(MOD, "prerequisites: []", "prerequisites: [listening]"),
        MOD,
        "prerequisites:",
        "prerequisites.1",
        "go round in a circle (foundations -> listening -> foundations)",
    ),
    Case(
        "prerequisite-self",
        ed(LMOD, "prerequisites: [foundations]", "prerequisites: [foundations, listening]"),
        LMOD,
        "prerequisites:",
        "prerequisites.2",
        "circle (listening -> listening)",
    ),
]

COMPLETION = [
    Case(
        "quiz-without-quiz-file",
        rm(f"{F}/quiz.yaml"),
        MOD,
        "  quiz: true",
        "completion.quiz",
        "quiz is true but the module has no quiz.yaml",
    ),
    Case(
        "practice-without-solo",
        rm(SOLO),
        MOD,
        "  practice: true",
        "completion.practice",
        "practice is true but the module has no solo scenario",
    ),
    Case(
        "reflection-needs-two-prompts",
        ed(MOD, "  - slug: a-time-you-listened\n    prompt: Think of a time you listened before you assessed.\n", ""),
        MOD,
        "reflective_prompts:",
        "reflective_prompts",
        "needs at least 2 reflective prompts",
    ),
    Case(
        "duplicate-unit",
        ed(U2, "slug: power-in-the-relationship", "slug: what-involvement-means"),
        U2,
        "slug:",
        "slug",
        f"duplicate slug 'what-involvement-means': another unit ({U1}) already uses it",
    ),
]

MARKDOWN = [
    Case(
        "link-same-module",
        ed(U1, "unit:power-in-the-relationship", "unit:power"),
        U1,
        "unit:power",
        "body",
        "broken link 'unit:power': this module has no unit 'power'; use one of: what-involvement-means, "
        "power-in-the-relationship",
    ),
    Case(
        "link-other-module",
        ed(LU2, "unit:foundations/what-involvement-means", "unit:foundations/nope"),
        LU2,
        "unit:foundations/nope",
        "body",
        "module 'foundations' has no unit 'nope'",
    ),
    Case(
        "link-to-a-module-that-may-be-locked",
        ed(U1, "unit:power-in-the-relationship", "unit:listening/open-questions"),
        U1,
        "unit:listening/open-questions",
        "body",
        "link 'unit:listening/open-questions' may lead to a locked page: 'listening' opens only after foundations",
    ),
    Case(
        "link-unknown-module",
        ed(LU2, "unit:foundations/what-involvement-means", "unit:found/x"),
        LU2,
        "unit:found/x",
        "body",
        "there is no module 'found'; use one of: foundations, listening",
    ),
    Case(
        "link-in-module-intro",
        ed(MOD, "(unit:what-involvement-means)", "(unit:intro-typo)"),
        MOD,
        "unit:intro-typo",
        "body",
        "broken link 'unit:intro-typo'",
    ),
    Case(
        "link-in-programme-summary",
        ed("programme.yaml", "unit:foundations/what-involvement-means", "unit:foundations/missing"),
        "programme.yaml",
        "unit:foundations/missing",
        "summary",
        "module 'foundations' has no unit 'missing'",
    ),
    Case(
        "link-in-programme-needs-module",
        ed("programme.yaml", "unit:foundations/what-involvement-means", "unit:what-involvement-means"),
        "programme.yaml",
        "unit:what-involvement-means",
        "summary",
        "name the module too",
    ),
    Case(
        "link-in-role-brief",
        ed(
            ROLEPLAY,
            "      You want to get back to work.\n",
            "      You want to get back to work.\n      See [this](unit:nowhere).\n",
        ),
        ROLEPLAY,
        "unit:nowhere",
        "roles.service_user.brief",
        "broken link 'unit:nowhere'",
    ),
    Case(
        "link-in-choice-feedback",
        ed(SOLO, "feedback: Sam goes quiet again.", "feedback: Sam goes quiet. See [power](unit:powr)."),
        SOLO,
        "unit:powr",
        "nodes.2.choices.2.feedback",
        "broken link 'unit:powr'",
    ),
    Case(
        "box-kind",
        ed(U1, "!!! lived-experience", "!!! tip"),
        U1,
        "!!! tip",
        "body",
        "unknown box kind 'tip': use one of: lived-experience, example, note, warning",
    ),
    Case(
        "box-title-quotes",
        ed(U1, '!!! lived-experience "A service user\'s view"', "!!! note Key point"),
        U1,
        "!!! note",
        "body",
        "put the box title in double quotes",
    ),
    Case("box-not-indented", ed(U1, "    Nobody asked", "Nobody asked"), U1, "!!!", "body", "the box has no text"),
    Case(
        "box-in-debrief",
        ed(SOLO, "        You let Sam lead.\n", "        You let Sam lead.\n\n        !!! tips\n"),
        SOLO,
        "!!! tips",
        "nodes.3.ending.debrief",
        "unknown box kind 'tips'",
    ),
    Case(
        "unit-without-text",
        both(
            put(
                U2,
                "---\nslug: power-in-the-relationship\ntitle: Power\nminutes: 1\n"
                "written_by: [{role: professional, when: '2026-11'}]\n---\n\n",
            ),
            ed(U1, "unit:power-in-the-relationship", "https://example.org"),
        ),
        U2,
        7,
        "body",
        "the page has no text",
    ),
]


@pytest.mark.parametrize("case", PROGRAMME + PREREQUISITES + COMPLETION + MARKDOWN, ids=str)
def test_rule(tmp_path, case):
    check_case(tmp_path, case)


def test_code_blocks_are_not_scanned_for_links_or_boxes(tmp_path):
    root = write_valid_tree(tmp_path)
    edit(root, U1, "See also", "```\n[x](unit:not-checked)\n!!! tip\n```\n\nSee also")
    assert validate_course(root) == []
