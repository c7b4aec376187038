"""The real course keeps its composite people apart from the demo accounts: no first name or surname of a demo
person appears in a unit, scenario or quiz (reference lists aside, where authors are real people)."""

from __future__ import annotations

import re
from pathlib import Path

from equiptrain.demo.accounts import PEOPLE, TRAINERS

COURSE = Path(__file__).resolve().parents[2] / "course_content" / "modules"


def _demo_names() -> set[str]:
    names = {"Alex", "Morgan", "Olivia", "Grant"}  # the administrator and the invited nurse
    for person in PEOPLE + TRAINERS:
        names.update(person[1].removeprefix("Dr ").split())
    return names


def _course_text() -> str:
    texts = []
    for path in sorted(COURSE.rglob("*")):
        if path.suffix in (".md", ".yaml"):
            text = path.read_text(encoding="utf-8")
            if path.name == "module.md":  # the reference list names real authors
                text = text.split("references:")[0] + text.split("\n---\n", 1)[1]
            # In-text citations name real authors too: "Brooks et al. (2015)", "Brooks and colleagues (2015)".
            texts.append(re.sub(r"\b[A-Z][a-z]+ (et al|and colleagues)\b", "", text))
    return "\n".join(texts)


def test_no_course_person_shares_a_name_with_a_demo_account():
    text = _course_text()
    clashes = sorted(n for n in _demo_names() if re.search(rf"\b{re.escape(n)}\b", text))
    assert not clashes, f"course text uses demo account names: {clashes}"
