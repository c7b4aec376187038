"""Setting variants inside a unit, and reading time worked out from the text.

A unit may give one section in several versions, one per team setting, written as consecutive boxes:

    !!! setting-inpatient "Worked example: on the ward"
        ...
    !!! setting-community "Worked example: at home"
        ...

Boxes next to each other (only blank lines between them) form one group. At sync the group is wrapped in
`<div class="et-variants">`; on the page the learner's own setting comes first (the order scenarios use, see
`ordering`), then the version written for every setting (`setting-all`), then the others.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from .schema import SETTINGS

WORDS_PER_MINUTE = 200  # an unhurried reading speed for study text; stated in course_content/README.md

VARIANT_PREFIX = "setting-"
HAS_VARIANTS = 'class="et-variants"'  # in a rendered page that holds at least one group
VARIANT_KINDS = tuple(f"{VARIANT_PREFIX}{s}" for s in SETTINGS)

LABELS = {
    "all": "Any setting",
    "community": "Community mental health",
    "inpatient": "Inpatient",
    "crisis": "Crisis and home treatment",
    "later_life": "Older adults (later life)",
    "early_intervention": "Early intervention",
    "other": "Other settings",
}

_WORD_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019.-][A-Za-z0-9\u00c0-\u024f]+)*")
_BOX_LINE_RE = re.compile(r'^\s*!!!\s*[\w-]+(\s+"[^"]*")?\s*$')
_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")


def count_words(markdown: str) -> int:
    """Words a reader reads: box markers and link targets are not read, their titles and text are."""
    words = 0
    for line in markdown.split("\n"):
        if _BOX_LINE_RE.match(line):
            line = line.split('"', 1)[1] if '"' in line else ""
        words += len(_WORD_RE.findall(_LINK_TARGET_RE.sub("]", line)))
    return words


_VARIANT_HEAD_RE = re.compile(r"^(\s*)!!!\s*setting-(\S+)")


def variant_groups(markdown: str) -> list[list[tuple[int, str, int]]]:
    """The groups of setting boxes in a Markdown text: for each box (first line index, setting, end line index).
    Boxes with only blank lines between them belong to one group. Code blocks are skipped."""
    lines = markdown.split("\n")
    groups: list[list[tuple[int, str, int]]] = []
    fence = None
    n = 0
    last_end = -2
    while n < len(lines):
        raw = lines[n]
        stripped = raw.strip()
        if fence or stripped.startswith(("```", "~~~")):
            fence = None if fence and stripped.startswith(fence) else (fence or stripped[:3])
            n += 1
            continue
        head = _VARIANT_HEAD_RE.match(raw)
        if not head:
            n += 1
            continue
        indent = len(head.group(1))
        end = n + 1
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) >= indent + 4
        ):
            end += 1
        while end > n + 1 and not lines[end - 1].strip():  # trailing blank lines belong between boxes
            end -= 1
        box = (n, head.group(2), end)
        between = lines[last_end:n] if last_end >= 0 else ["x"]
        if groups and all(not line.strip() for line in between):
            groups[-1].append(box)
        else:
            groups.append([box])
        last_end = end
        n = end
    return groups


def reading_minutes(markdown: str) -> int:
    """Minutes to read a page at WORDS_PER_MINUTE, at least 1. Of each group of setting variants a learner
    reads one: the longest counts, the others do not."""
    lines = markdown.split("\n")
    skipped = 0
    for group in variant_groups(markdown):
        sizes = [count_words("\n".join(lines[start:end])) for start, _, end in group]
        skipped += sum(sizes) - max(sizes)
    return max(1, math.ceil(max(0, count_words(markdown) - skipped) / WORDS_PER_MINUTE))


_GROUP_RE = re.compile(
    r'(?:<div class="admonition setting-[a-z_]+">.*?</div>\s*){2,}',
    re.DOTALL,
)
_END = "<!--/et-variants-->"  # marks the group's end, since the variants' own </div> come before it
_VARIANT_RE = re.compile(r'<div class="admonition setting-([a-z_]+)">(.*?)</div>', re.DOTALL)


def group_variants(html: str) -> str:
    """Wrap each run of setting boxes in rendered, sanitised HTML in one `et-variants` block (run at sync)."""
    if 'class="admonition setting-' not in html:
        return html

    def wrap(match: re.Match) -> str:
        return f'<div class="et-variants">\n{match.group(0).strip()}\n</div>{_END}\n'

    return _GROUP_RE.sub(wrap, html)


def order_variants(html: str, settings: Iterable[str]) -> str:
    """Each variant group with the learner's setting first, labelled, the other versions after it (per request:
    only pages that have variants pay for it)."""
    if HAS_VARIANTS not in html:
        return html
    settings = frozenset(settings)

    def reorder(match: re.Match) -> str:
        variants = _VARIANT_RE.findall(match.group(0))
        ordered = sorted(variants, key=lambda v: rank(v[0], settings))
        parts = []
        for n, (setting, inner) in enumerate(ordered):
            yours = n == 0 and setting in settings
            label = ("Your setting: " if yours else "Setting: ") + LABELS.get(setting, setting)
            parts.append(
                f'<div class="admonition setting-{setting}" data-setting="{setting}">'
                f'<p class="et-variant-label">{label}</p>{inner}</div>'
            )
        return '<div class="et-variants">\n' + "\n".join(parts) + "\n</div>" + _END

    return re.sub(r'<div class="et-variants">\n(.*?)\n</div>' + re.escape(_END), reorder, html, flags=re.DOTALL)


def rank(setting: str, settings: frozenset[str]) -> int:
    """As `ordering.rank` (kept here so the loader needs no database): the learner's setting, then all, then others."""
    if setting in settings:
        return 0
    return 1 if setting == "all" else 2
