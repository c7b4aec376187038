"""Rules beyond one field: the programme against the folders, prerequisites, slugs, links, boxes and the shape
of quizzes and branching scenarios. Every rule only looks at files that parsed, so one broken file never hides
the problems in the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from . import provenance
from .defs import Problem
from .schema import BOX_KINDS, RolePlay, Solo
from .source import FOLDER_RE, ModuleFiles, Source, Tree, slugify
from .variants import VARIANT_KINDS, VARIANT_PREFIX, WORDS_PER_MINUTE, reading_minutes, variant_groups

Path_ = tuple[str | int, ...]


def check_tree(tree: Tree) -> list[Problem]:
    """Every cross-field and cross-file problem in the tree."""
    out: list[Problem] = []
    order = _programme_order(tree)
    _check_programme(tree, out)
    _check_confidence(tree, out)
    for files in tree.modules:
        _check_module(files, order, out)
    _check_cycles(tree, out)
    _check_markdown(tree, out)
    out += provenance.check_tree(tree)
    return out


def _programme_order(tree: Tree) -> dict[str, int]:
    """Module slug -> position in programme.yaml, or folder order when programme.yaml did not load."""
    if tree.programme and tree.programme.model:
        return {slug: i for i, slug in reversed(list(enumerate(tree.programme.model.modules)))}
    return {m.slug: i for i, m in enumerate(tree.modules) if m.slug}


def _choices(options: Iterable[str]) -> str:
    listed = ", ".join(options)
    return f"use one of: {listed}" if listed else "there is nothing to choose from yet"


def _duplicates(items: Iterable[tuple[str, Source, Path_]], what: str, out: list[Problem]) -> None:
    """Report each slug used a second time, saying where the first use is."""
    seen: dict[str, tuple[Source, Path_]] = {}
    for slug, src, path in items:
        if slug not in seen:
            seen[slug] = (src, path)
            continue
        first_src, first_path = seen[slug]
        where = f"line {first_src.line(first_path)}" if first_src is src else first_src.rel
        out.append(
            src.problem(
                path,
                f"duplicate slug '{slug}': another {what} ({where}) already uses it; give each {what} its own slug",
            )
        )


# programme.yaml and confidence.yaml


def _check_programme(tree: Tree, out: list[Problem]) -> None:
    folders: dict[str, list[ModuleFiles]] = {}
    for files in tree.modules:
        if files.slug:
            folders.setdefault(files.slug, []).append(files)
    for slug, found in folders.items():
        for extra in found[1:]:
            if extra.module and extra.module.src:
                out.append(
                    extra.module.src.problem(
                        ("slug",),
                        f"duplicate module slug '{slug}': "
                        f"{found[0].rel} already uses it; give each module its own slug",
                    )
                )
    if not (tree.programme and tree.programme.model):
        return
    src, programme = tree.programme.source, tree.programme.model
    listed: set[str] = set()
    for i, slug in enumerate(programme.modules):
        if slug in listed:
            out.append(src.problem(("modules", i), f"module '{slug}' is listed twice: list each module once"))
        elif slug not in folders:
            out.append(
                src.problem(
                    ("modules", i),
                    f"module '{slug}' is listed but has no folder: create "
                    f"modules/{i + 1:02d}-{slug}/ with a module.md, or remove it "
                    "from this list",
                )
            )
        listed.add(slug)
    for files in tree.modules:
        if files.slug and files.slug not in listed:
            out.append(
                Problem(
                    f"{files.rel}/module.md",
                    1,
                    "-",
                    f"module '{files.slug}' is not listed in "
                    f"programme.yaml: add '- {files.slug}' under modules: there, in the order learners "
                    "take it, or remove the folder",
                )
            )
    _duplicates(
        ((c.slug, src, ("certificates", i, "slug")) for i, c in enumerate(programme.certificates)), "certificate", out
    )
    for i, cert in enumerate(programme.certificates):
        for j, slug in enumerate(cert.modules):
            if slug not in listed:
                out.append(
                    src.problem(
                        ("certificates", i, "modules", j), f"unknown module '{slug}': {_choices(programme.modules)}"
                    )
                )
        if cert.workshops is not None and cert.audience == "students":
            out.append(
                src.problem(
                    ("certificates", i, "workshops"),
                    "a students' certificate cannot ask for workshops: students on placement take the course "
                    "without the team-only parts; remove 'workshops' or set 'audience: staff'",
                )
            )
        if cert.workshops is None:
            continue
        for j, slug in enumerate(cert.workshops.core):
            if slug not in listed:
                out.append(
                    src.problem(
                        ("certificates", i, "workshops", "core", j),
                        f"unknown module '{slug}': {_choices(programme.modules)}",
                    )
                )
            elif slug not in cert.modules:
                out.append(
                    src.problem(
                        ("certificates", i, "workshops", "core", j),
                        f"the core workshop covers '{slug}' but the certificate does not require "
                        f"that module: add it to this certificate's modules or remove it here",
                    )
                )


def _check_confidence(tree: Tree, out: list[Problem]) -> None:
    if not (tree.confidence and tree.confidence.model):
        return
    src, conf = tree.confidence.source, tree.confidence.model
    scale = conf.scale
    _duplicates(((item.slug, src, ("items", i, "slug")) for i, item in enumerate(conf.items)), "item", out)
    if scale.min >= scale.max:
        out.append(
            src.problem(
                ("scale", "max"), f"max ({scale.max}) must be larger than min ({scale.min}), e.g. min: 1 and max: 5"
            )
        )
        return
    if scale.max - scale.min > 10:
        out.append(src.problem(("scale", "max"), "the scale is too long: use at most 11 points, e.g. 1 to 5"))
        return
    missing = [str(n) for n in range(scale.min, scale.max + 1) if n not in scale.labels]
    if missing:
        out.append(
            src.problem(
                ("scale", "labels"),
                f"the labels do not cover the whole scale "
                f"{scale.min}-{scale.max}: add a label for {', '.join(missing)}",
            )
        )
    for key in scale.labels:
        if not scale.min <= key <= scale.max:
            out.append(
                src.problem(
                    ("scale", "labels", key),
                    f"label {key} is outside the scale {scale.min}-{scale.max}: remove it or change min/max",
                )
            )


# One module folder


def _check_module(files: ModuleFiles, order: dict[str, int], out: list[Problem]) -> None:
    module_rel = f"{files.rel}/module.md"
    if not FOLDER_RE.match(files.folder):
        example = f"01-{slugify(files.folder.lstrip('0123456789-'))}"
        out.append(
            Problem(
                module_rel,
                1,
                "-",
                f"the folder name '{files.folder}' should be two digits, a hyphen and "
                f"the module slug, e.g. '{example}'",
            )
        )
    parsed = files.module
    if parsed is not None and parsed.model is not None:
        meta, src = parsed.model, parsed.source
        if files.folder_slug and meta.slug != files.folder_slug:
            number = files.folder[:2]
            out.append(
                src.problem(
                    ("slug",),
                    f"slug '{meta.slug}' does not match the folder name '{files.folder}': "
                    f"rename the folder to '{number}-{meta.slug}' or correct the slug",
                )
            )
        _duplicates(
            ((p.slug, src, ("reflective_prompts", i, "slug")) for i, p in enumerate(meta.reflective_prompts)),
            "reflective prompt",
            out,
        )
        _check_prerequisites(src, meta, order, out)
        _check_completion(files, src, meta, out)
        _check_module_time(files, src, meta, out)
        _check_citations(files, meta.references, out)
    if not files.units:
        out.append(
            Problem(
                module_rel,
                1,
                "-",
                f"the module has no units: add at least one page in {files.rel}/units/, e.g. 01-first-page.md",
            )
        )
    units = [u for u in files.units if u.model]
    _duplicates(((u.model.slug, u.source, ("slug",)) for u in units), "unit", out)
    for unit in units:
        derived = reading_minutes(unit.source.body)
        if unit.model.minutes is not None and unit.model.minutes != derived:
            out.append(
                unit.source.problem(
                    ("minutes",),
                    f"reading time is worked out from the text ({derived} minute{'' if derived == 1 else 's'} "
                    f"at {WORDS_PER_MINUTE} words a minute), not {unit.model.minutes}: remove the 'minutes' line "
                    f"(or write {derived})",
                )
            )
        if not unit.source.body.strip():
            out.append(
                Problem(
                    unit.rel,
                    unit.source.body_line,
                    "body",
                    "the page has no text: write the unit below the second '---' line",
                )
            )
    if files.quiz and files.quiz.model:
        _check_quiz(files.quiz.source, files.quiz.model, out)
    scenarios = [s for s in files.scenarios if s.model]
    _duplicates(((s.model.slug, s.source, ("slug",)) for s in scenarios), "scenario", out)
    for scenario in scenarios:
        _check_scenario(scenario.source, scenario.model, out)


_STATED_MINUTES_RE = re.compile(r"\b(?:about|around|roughly)\s+(\d+)\s+minutes\b", re.IGNORECASE)


def _check_module_time(files: ModuleFiles, src: Source, meta, out: list[Problem]) -> None:
    """The time a module shows (`estimated_minutes`, on My programme and the module page) covers at least the reading
    its units' own reading times add up to, and a time its introduction states in words is that same figure."""
    reading = sum(reading_minutes(u.source.body) for u in files.units if u.model)
    if meta.estimated_minutes < reading:
        out.append(
            src.problem(
                ("estimated_minutes",),
                f"estimated_minutes is {meta.estimated_minutes}, less than the {reading} minutes its units take to "
                f"read (at {WORDS_PER_MINUTE} words a minute) before any practice: raise it",
            )
        )
    for n, line in enumerate(src.body.splitlines()):
        for match in _STATED_MINUTES_RE.finditer(line):
            if int(match.group(1)) != meta.estimated_minutes:
                out.append(
                    Problem(
                        f"{files.rel}/module.md",
                        src.body_line + n,
                        "body",
                        f"the introduction says '{match.group(0)}' but estimated_minutes is {meta.estimated_minutes}: "
                        "make them the same figure",
                    )
                )


_CITATION_RE = re.compile(r"\b([A-Z][a-z]+) (?:et al\.?|and colleagues),? \(?(\d{4})")
_GUIDELINE_RE = re.compile(r"\b((?:NG|CG|QS)\d+)\b")


def _check_citations(files: ModuleFiles, references: list[str], out: list[Problem]) -> None:
    """Every study cited in the module's pages ("Bee et al., 2015") and every NICE guideline named (NG43) has its
    entry in the module's references, so a learner can always find the source."""
    parsed = [files.module, *files.units, files.quiz, *files.scenarios]
    for item in parsed:
        if item is None or item.src is None:
            continue
        in_references = False
        for n, line in enumerate(item.src.text.split("\n"), 1):
            if item is files.module:  # the reference list itself names the authors
                if line.startswith("references:"):
                    in_references = True
                    continue
                if in_references and line.startswith((" ", "-")):
                    continue
                in_references = False
            for m in _CITATION_RE.finditer(line):
                surname, year = m.groups()
                if not any(surname in r and year in r for r in references):
                    out.append(
                        Problem(
                            item.rel,
                            n,
                            "-",
                            f"'{m.group(0)}' is cited but the module's references have no entry by {surname} "
                            f"from {year}: add it to 'references' in module.md",
                        )
                    )
            for m in _GUIDELINE_RE.finditer(line):
                if not any(m.group(1) in r for r in references):
                    out.append(
                        Problem(
                            item.rel,
                            n,
                            "-",
                            f"guideline {m.group(1)} is named but the module's references do not list it: "
                            "add it to 'references' in module.md",
                        )
                    )


def _check_prerequisites(src: Source, meta, order: dict[str, int], out: list[Problem]) -> None:
    own = order.get(meta.slug)
    earlier = [s for s, i in sorted(order.items(), key=lambda kv: kv[1]) if own is None or i < own]
    for j, pre in enumerate(meta.prerequisites):
        path = ("prerequisites", j)
        if pre not in order:
            hint = _choices(earlier) if earlier else "the first module cannot have prerequisites: use []"
            out.append(src.problem(path, f"unknown prerequisite '{pre}': {hint}"))
        elif own is not None and order[pre] > own:
            out.append(
                src.problem(
                    path,
                    f"prerequisite '{pre}' comes later in the programme than '{meta.slug}': "
                    "the course is graduated, so a module may only require modules before it; "
                    "remove it or change the order in programme.yaml",
                )
            )


def _check_completion(files: ModuleFiles, src: Source, meta, out: list[Problem]) -> None:
    if meta.completion.workshop_kind and not meta.completion.workshop:
        out.append(
            src.problem(
                ("completion", "workshop_kind"),
                f"workshop_kind names the workshop that completes the module, but workshop is false: "
                f"set 'workshop: true', or remove 'workshop_kind: {meta.completion.workshop_kind}'",
            )
        )
    if meta.completion.core and meta.completion.workshop_kind == "core":
        out.append(
            src.problem(
                ("completion", "core"),
                "core: true and workshop_kind: core ask for the same thing twice: keep 'core: true' "
                "(attend the core) or 'workshop_kind: core' (attend a core workshop covering this "
                "module), not both",
            )
        )
    if meta.completion.quiz and files.quiz is None:
        out.append(
            src.problem(
                ("completion", "quiz"),
                f"quiz is true but the module has no quiz.yaml: add {files.rel}/quiz.yaml or set 'quiz: false'",
            )
        )
    # A scenario that is not even valid YAML might be the solo one: it is reported already, so stay quiet.
    unknown_kind = any(s.src is None for s in files.scenarios)
    if meta.completion.practice and not unknown_kind and not any(_is_solo(s) for s in files.scenarios):
        out.append(
            src.problem(
                ("completion", "practice"),
                "practice is true but the module has no solo scenario: add "
                "one in scenarios/ (kind: solo) or set 'practice: false'",
            )
        )


def _is_solo(parsed) -> bool:
    if parsed.model is not None:
        return isinstance(parsed.model, Solo)
    data = parsed.src.data if parsed.src else None
    return isinstance(data, dict) and data.get("kind") == "solo"


def _check_cycles(tree: Tree, out: list[Problem]) -> None:
    """Prerequisites that lead back to the module itself, reported once per circle."""
    metas = {m.slug: m.module for m in tree.modules if m.module and m.module.model and m.slug is not None}
    graph = {slug: [p for p in parsed.model.prerequisites if p in metas] for slug, parsed in metas.items()}
    reported: set[frozenset[str]] = set()
    for start in graph:
        path, index = _find_cycle(graph, start)
        if path is None or frozenset(path) in reported:
            continue
        reported.add(frozenset(path))
        parsed = metas[start]
        circle = " -> ".join(path + [start])
        out.append(
            parsed.source.problem(
                ("prerequisites", index),
                f"the prerequisites go round in a circle "
                f"({circle}): a module cannot require itself, even "
                "indirectly; remove one of them",
            )
        )


def _find_cycle(graph: dict[str, list[str]], start: str) -> tuple[list[str] | None, int]:
    """A path start -> ... -> start, and which of start's prerequisites begins it."""
    for index, first in enumerate(graph[start]):
        stack, seen = [(first, [start])], set()
        while stack:
            node, path = stack.pop()
            if node == start:
                return path, index
            if node in seen:
                continue
            seen.add(node)
            stack.extend((nxt, path + [node]) for nxt in graph.get(node, []))
    return None, 0


# Quizzes and scenarios


def _check_quiz(src: Source, quiz, out: list[Problem]) -> None:
    _duplicates(((q.slug, src, ("questions", i, "slug")) for i, q in enumerate(quiz.questions)), "question", out)
    for i, question in enumerate(quiz.questions):
        if not any(option.correct for option in question.options):
            out.append(
                src.problem(
                    ("questions", i, "options"),
                    f"question '{question.slug}' has no correct answer: mark at least one option 'correct: true'",
                )
            )


def _check_scenario(src: Source, scenario, out: list[Problem]) -> None:
    stem = src.rel.rsplit("/", 1)[-1].removesuffix(".yaml")
    if scenario.slug != stem:
        out.append(
            src.problem(
                ("slug",),
                f"slug '{scenario.slug}' does not match the file name '{stem}.yaml': "
                f"rename the file to '{scenario.slug}.yaml' or correct the slug",
            )
        )
    if isinstance(scenario, RolePlay):
        _duplicates(
            ((c.slug, src, ("observer_checklist", i, "slug")) for i, c in enumerate(scenario.observer_checklist)),
            "checklist item",
            out,
        )
    else:
        _check_solo(src, scenario, out)


def _check_solo(src: Source, solo: Solo, out: list[Problem]) -> None:
    _duplicates(((n.slug, src, ("nodes", i, "slug")) for i, n in enumerate(solo.nodes)), "node", out)
    index: dict[str, int] = {}
    for i, node in enumerate(solo.nodes):
        index.setdefault(node.slug, i)
    names = ", ".join(index)
    well_formed = set()
    for i, node in enumerate(solo.nodes):
        if node.choices and node.ending:
            out.append(src.problem(("nodes", i), f"node '{node.slug}' has both choices and an ending: keep only one"))
        elif not node.choices and not node.ending:
            out.append(
                src.problem(
                    ("nodes", i),
                    f"node '{node.slug}' has neither choices nor an ending: add 2 to 4 choices, or an ending",
                )
            )
        else:
            well_formed.add(node.slug)
        if node.choices and node.text is None:
            out.append(
                src.problem(
                    ("nodes", i),
                    f"node '{node.slug}' has no text: add 'text: |' with what happens and what the other person says",
                )
            )
        for j, choice in enumerate(node.choices or []):
            if choice.next not in index:
                out.append(
                    src.problem(
                        ("nodes", i, "choices", j, "next"),
                        f"next names no node: '{choice.next}' is not a node here; use one of: {names}",
                    )
                )
    start_ok = solo.start in index
    if not start_ok:
        out.append(
            src.problem(("start",), f"start names no node: '{solo.start}' is not a node here; use one of: {names}")
        )
    edges = {n.slug: [c.next for c in n.choices or [] if c.next in index] for n in solo.nodes}
    reachable = _reach([solo.start], edges) if start_ok else set(index)
    for slug, i in index.items():
        if slug not in reachable:
            out.append(
                src.problem(
                    ("nodes", i),
                    f"node '{slug}' cannot be reached from the start: point a choice's 'next' at it, or remove it",
                )
            )
    back: dict[str, list[str]] = {}
    for slug, targets in edges.items():
        for target in targets:
            back.setdefault(target, []).append(slug)
    can_end = _reach([n.slug for n in solo.nodes if n.ending], back)
    for slug, i in index.items():
        if slug in reachable and slug in well_formed and slug not in can_end:
            out.append(
                src.problem(
                    ("nodes", i),
                    f"dead end: no ending can be reached from node '{slug}' (its choices "
                    "only go round in a circle): give a choice a path to an ending",
                )
            )
    endings = [n.ending for n in solo.nodes if n.ending]
    if len(endings) < 2:
        out.append(src.problem(("nodes",), f"needs at least 2 endings, found {len(endings)}: add an ending node"))
    elif len({e.outcome for e in endings}) < 2:
        out.append(
            src.problem(
                ("nodes",),
                f"every ending has the outcome '{endings[0].outcome}': give at least one "
                "ending a different outcome (good, mixed or poor)",
            )
        )


def _reach(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen, stack = set(), list(starts)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, []))
    return seen


# Markdown: unit links and boxes, scanned in the raw text so the line is right

_LINK_RE = re.compile(r"\]\(\s*<?unit:([^)\s>]*)|^\s{0,3}\[[^\]]+\]:\s*<?unit:([^\s>]*)")
_BOX_RE = re.compile(r"^(\s*)!!!\s*(.*?)\s*$")
_BOX_HEAD_RE = re.compile(r'^([\w-]+)(\s+"[^"]*")?$')


def markdown_fields(files: ModuleFiles) -> Iterator[tuple[Source, str, int, str]]:
    """(source, field, first line, text) for every Markdown text in a module folder."""
    if files.module and files.module.model:
        module_src = files.module.source
        yield module_src, "body", module_src.body_line, module_src.body
    for unit in files.units:
        if unit.model:
            yield unit.source, "body", unit.source.body_line, unit.source.body
    for parsed in files.scenarios:
        src, scenario = parsed.src, parsed.model
        if src is None:  # not parsed, so no model either
            continue
        if isinstance(scenario, RolePlay):
            for key in ("practitioner", "service_user", "carer", "observer"):
                if getattr(scenario.roles, key) is not None:
                    yield src, *_located(src, ("roles", key, "brief"), getattr(scenario.roles, key).brief)
        elif isinstance(scenario, Solo):
            for i, node in enumerate(scenario.nodes):
                if node.text:
                    yield src, *_located(src, ("nodes", i, "text"), node.text)
                for j, choice in enumerate(node.choices or []):
                    yield src, *_located(src, ("nodes", i, "choices", j, "feedback"), choice.feedback)
                if node.ending:
                    yield src, *_located(src, ("nodes", i, "ending", "debrief"), node.ending.debrief)


def _located(src: Source, path: Path_, text: str) -> tuple[str, int, str]:
    return src.field(path), src.text_line(path), text


def _check_markdown(tree: Tree, out: list[Problem]) -> None:
    units = {m.slug: list(dict.fromkeys(u.model.slug for u in m.units if u.model)) for m in tree.modules if m.slug}
    trusted = {m.slug for m in tree.modules if m.slug and m.complete}
    texts: list[tuple[str | None, Source, str, int, str]] = []
    if tree.programme and tree.programme.model:
        src = tree.programme.source
        texts.append((None, src, *_located(src, ("summary",), tree.programme.model.summary)))
    for files in tree.modules:
        texts += [(files.slug, *item) for item in markdown_fields(files)]
    prerequisites = {
        m.slug: list(m.module.model.prerequisites) for m in tree.modules if m.slug and m.module and m.module.model
    }
    for module, src, name, first_line, text in texts:
        _check_variants(text, first_line, out, src.rel, name)
        for line, target in _scan(text, first_line, out, src.rel, name):
            message = _broken_link(target, module, units, trusted) or _locked_link(target, module, prerequisites)
            if message:
                out.append(Problem(src.rel, line, name, message))


def _before(module: str, prerequisites: dict[str, list[str]]) -> set[str]:
    """The modules a learner has completed whenever `module` is open: its prerequisites, theirs, and so on."""
    seen: set[str] = set()
    todo = list(prerequisites.get(module, []))
    while todo:
        slug = todo.pop()
        if slug not in seen:
            seen.add(slug)
            todo += prerequisites.get(slug, [])
    return seen


def _locked_link(target: str, module: str | None, prerequisites: dict[str, list[str]]) -> str | None:
    """A link from one module to another's unit works for every learner only when the other module is open
    whenever this one is: each of its prerequisites is completed before this module opens."""
    if module is None or "/" not in target:
        return None
    other = target.split("/", 1)[0]
    if other == module or other not in prerequisites:
        return None
    missing = [p for p in prerequisites[other] if p not in _before(module, prerequisites)]
    if not missing:
        return None
    return (
        f"link 'unit:{target}' may lead to a locked page: '{other}' opens only after {', '.join(missing)}, "
        f"which a learner in '{module}' may not have completed; link only to modules '{module}' builds on, "
        "or name the unit in words"
    )


def check_markdown_text(
    src: Source, text: str, first_line: int, module: str | None, units: dict[str, list[str]], out: list[Problem]
) -> None:
    """The course's Markdown rules for one text outside the modules (a local page): boxes, setting variants and
    unit links."""
    _check_variants(text, first_line, out, src.rel, "body")
    trusted = set(units)
    for line, target in _scan(text, first_line, out, src.rel, "body"):
        message = _broken_link(target, module, units, trusted)
        if message:
            out.append(Problem(src.rel, line, "body", message))


def _scan(text: str, first_line: int, out: list[Problem], rel: str, name: str) -> Iterator[tuple[int, str]]:
    """Yield (line, target) for each unit: link; report box problems on the way. Code blocks are skipped."""
    lines = text.split("\n")
    fence = None
    for n, raw in enumerate(lines):
        line = first_line + n
        stripped = raw.strip()
        if fence:
            fence = None if stripped.startswith(fence) else fence
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        for match in _LINK_RE.finditer(raw):
            yield line, match.group(1) if match.group(1) is not None else match.group(2)
        box = _BOX_RE.match(raw)
        if box:
            out.extend(_box_problems(box, lines[n + 1 :], rel, line, name))


def _check_variants(text: str, first_line: int, out: list[Problem], rel: str, name: str) -> None:
    """Setting variants come in groups of two or more different settings, and hold no boxes of their own."""
    lines = text.split("\n")
    for group in variant_groups(text):
        first, setting, _ = group[0]
        if len(group) == 1:
            out.append(
                Problem(
                    rel,
                    first_line + first,
                    name,
                    f"setting variant 'setting-{setting}' stands alone: put the other settings' versions "
                    "straight after it (only blank lines between), or make it an ordinary box",
                )
            )
        seen: set[str] = set()
        for start, setting, end in group:
            if setting in seen:
                out.append(
                    Problem(
                        rel,
                        first_line + start,
                        name,
                        f"setting 'setting-{setting}' appears twice in one group of variants: merge them",
                    )
                )
            seen.add(setting)
            for n in range(start + 1, end):
                if lines[n].lstrip().startswith("!!!"):
                    out.append(
                        Problem(
                            rel,
                            first_line + n,
                            name,
                            "a setting variant cannot hold another box: end the variant first (less indent)",
                        )
                    )


def _box_problems(box: re.Match, following: list[str], rel: str, line: int, name: str) -> list[Problem]:
    indent, head = len(box.group(1)), box.group(2)
    kind = head.split()[0] if head.split() else ""
    kinds = ", ".join(BOX_KINDS)
    if kind.startswith(VARIANT_PREFIX) and kind not in VARIANT_KINDS:
        settings = ", ".join(VARIANT_KINDS)
        return [Problem(rel, line, name, f"unknown setting variant '{kind}': use one of: {settings}")]
    if kind not in BOX_KINDS and kind not in VARIANT_KINDS:
        return [Problem(rel, line, name, f"unknown box kind '{kind}': use one of: {kinds}, or setting-SETTING")]
    if not _BOX_HEAD_RE.match(head):
        return [Problem(rel, line, name, f'put the box title in double quotes, e.g. !!! {kind} "Key point"')]
    body = next((text for text in following if text.strip()), "")
    if len(body) - len(body.lstrip(" ")) < indent + 4:
        return [
            Problem(
                rel, line, name, "the box has no text: indent the lines of the box by four spaces under the '!!!' line"
            )
        ]
    return []


def _broken_link(target: str, module: str | None, units: dict[str, list[str]], trusted: set[str]) -> str | None:
    """Why `unit:target` does not resolve, or None when it does (or cannot be judged yet)."""
    link = f"broken link 'unit:{target}'"
    if "/" in target:
        other, unit = target.split("/", 1)
        if other not in units:
            return f"{link}: there is no module '{other}'; {_choices(units)}"
        if other in trusted and unit not in units[other]:
            return f"{link}: module '{other}' has no unit '{unit}'; {_choices(units[other])}"
        return None
    if module is None:
        return f"{link}: name the module too, as unit:MODULE-SLUG/UNIT-SLUG"
    if module in trusted and target not in units.get(module, []):
        return f"{link}: this module has no unit '{target}'; {_choices(units.get(module, []))}"
    return None
