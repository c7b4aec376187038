"""Builders for course_content trees in tests: a small valid course, and helpers to break it on purpose.

`write_valid_tree(root)` writes programme.yaml, confidence.yaml and two modules (foundations, listening), each
with 2 units, a 6-question quiz, one role play (first-meeting) and one solo scenario (review-conversation).
"""

from __future__ import annotations

from pathlib import Path

MODULES = {
    "foundations": {
        "folder": "01-foundations",
        "title": "Foundations of involved care planning",
        "prerequisites": "[]",
        "units": [
            ("what-involvement-means", "What involvement means"),
            ("power-in-the-relationship", "Power in the relationship"),
        ],
    },
    "listening": {
        "folder": "02-listening",
        "title": "Listening first",
        "prerequisites": "[foundations]",
        "units": [("open-questions", "Open questions"), ("summarising", "Summarising")],
    },
}

PROGRAMME = """\
slug: equip
title: "EQUIP: involving service users and carers in care planning"
summary: |
  A graduated course for mental health staff.
  Start with [what involvement means](unit:foundations/what-involvement-means).
modules:
  - foundations
  - listening
certificates:
  - slug: equip-practitioner
    title: EQUIP practitioner certificate
    description: Awarded when every module is complete.
    modules: [foundations, listening]
"""

CONFIDENCE = """\
scale:
  min: 1
  max: 5
  labels:
    1: Not at all confident
    2: Slightly confident
    3: Moderately confident
    4: Very confident
    5: Completely confident
items:
  - slug: explain-involvement
    text: Explaining how someone can shape their care plan
  - slug: listen-before-assessing
    text: Listening before assessing
  - slug: involve-when-unwell
    text: Involving someone while they are unwell
  - slug: negotiate-risk
    text: Negotiating a safety plan
  - slug: involve-carers
    text: Involving carers
  - slug: write-in-their-words
    text: Writing a plan in the person's words
"""

MODULE_MD = """\
---
slug: {slug}
title: {title}
summary: A short summary of {slug}.
prerequisites: {prerequisites}
outcomes:
  - Describe what involvement means in practice
estimated_minutes: 90
cpd_hours:
  individual: 1.5
  participatory: 3
completion:
  units: true
  quiz: true
  reflection: true
  practice: true
  workshop: false
settings: [all]
authors:
  - name: EQUIP course team
    role: professional
  - name: A lived-experience trainer
    role: service_user_trainer
reflective_prompts:
  - slug: a-plan-you-wrote
    prompt: Think of a care plan you wrote recently. Whose voice does it speak in?
  - slug: a-time-you-listened
    prompt: Think of a time you listened before you assessed.
references:
  - "Bee P et al (2015). Professional perspectives on involvement."
---
Welcome to **{title}**.

Begin with [the first unit](unit:{first_unit}).
"""

UNIT_MD = """\
---
slug: {slug}
title: {title}
minutes: 1
written_by:
  - {{role: professional, when: "2026-11"}}
---
## {title}
Teaching text about {slug}.

!!! lived-experience "A service user's view"
    Nobody asked me what mattered to me.

See also [the other unit](unit:{link}).
"""

QUIZ_HEAD = """\
pass_mark: 80
questions:
"""

QUESTION = """\
  - slug: question-{n}
    prompt: Question {n} asks something?
    options:
      - text: A wrong answer to {n}.
        correct: false
        explanation: Why it is wrong.
      - text: A right answer to {n}.
        correct: true
        explanation: Why it is right.
"""

ROLEPLAY = """\
slug: first-meeting
kind: roleplay
title: A first care-planning meeting
summary: A nurse meets a man newly referred to the team.
setting: community
skills: [open questions, summarising]
written_by:
  - {role: professional, when: "2026-11"}
timings: {prepare_minutes: 5, play_minutes: 10, debrief_minutes: 10}
roles:
  practitioner:
    title: Community mental health nurse
    brief: |
      You want to start the care plan today.
  service_user:
    title: Daniel, 34
    brief: |
      You want to get back to work.
  carer:
    title: Daniel's sister
    brief: |
      You are worried about him.
  observer:
    title: Observer
    brief: |
      Watch for open questions.
observer_checklist:
  - slug: asked-priorities
    behaviour: Asked what matters most before suggesting anything
  - slug: summarised
    behaviour: Summarised in the person's words
  - slug: checked-understanding
    behaviour: Checked understanding
debrief_questions:
  - What did the service user want that was not said at first?
  - What would you do differently?
"""

SOLO = """\
slug: review-conversation
kind: solo
title: A care plan review that went quiet
summary: You are reviewing a plan with someone who has stopped engaging.
setting: all
skills: [listening, handling disagreement]
written_by:
  - {role: professional, when: "2026-11"}
start: opening
nodes:
  - slug: opening
    text: |
      Sam looks at the floor and says nothing.
    choices:
      - text: Ask what has changed since last time.
        feedback: An open question gives Sam room.
        next: tell-me-more
      - text: Read out the goals from last time.
        feedback: Sam hears the plan is yours, not theirs.
        next: ending-closed-down
  - slug: tell-me-more
    text: |
      Sam says the plan was never really theirs.
    choices:
      - text: Ask what Sam would like it to say.
        feedback: Sam starts to shape the plan.
        next: ending-opened-up
      - text: Explain why the goals were chosen.
        feedback: Sam goes quiet again.
        next: ending-closed-down
  - slug: ending-opened-up
    ending:
      title: The plan became Sam's
      outcome: good
      debrief: |
        You let Sam lead.
  - slug: ending-closed-down
    ending:
      title: The conversation closed down
      outcome: poor
      debrief: |
        Next time, ask before you tell.
"""


def write(root: Path, rel: str, text: str) -> Path:
    """Write `text` to root/rel, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def module_dir(slug: str) -> str:
    return f"modules/{MODULES[slug]['folder']}"


def write_valid_tree(root: Path) -> Path:
    """Write the small valid course into `root` and return `root`."""
    write(root, "programme.yaml", PROGRAMME)
    write(root, "confidence.yaml", CONFIDENCE)
    for slug, spec in MODULES.items():
        base = module_dir(slug)
        units = spec["units"]
        write(
            root,
            f"{base}/module.md",
            MODULE_MD.format(
                slug=slug, title=spec["title"], prerequisites=spec["prerequisites"], first_unit=units[0][0]
            ),
        )
        for n, (unit_slug, title) in enumerate(units, 1):
            link = units[1 - (n - 1)][0] if slug == "foundations" else "foundations/what-involvement-means"
            write(root, f"{base}/units/{n:02d}-{unit_slug}.md", UNIT_MD.format(slug=unit_slug, title=title, link=link))
        write(root, f"{base}/quiz.yaml", QUIZ_HEAD + "".join(QUESTION.format(n=n) for n in range(1, 7)))
        write(root, f"{base}/scenarios/first-meeting.yaml", ROLEPLAY)
        write(root, f"{base}/scenarios/review-conversation.yaml", SOLO)
    return root


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    """Replace the first `count` occurrences of `old` in a file (failing loudly if it is not there)."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(root: Path, rel: str, fragment: str, nth: int = 1) -> int:
    """1-based line of the nth line of a file containing `fragment`."""
    hits = [n for n, line in enumerate((root / rel).read_text(encoding="utf-8").split("\n"), 1) if fragment in line]
    assert len(hits) >= nth, f"{fragment!r} found {len(hits)} time(s) in {rel}"
    return hits[nth - 1]
