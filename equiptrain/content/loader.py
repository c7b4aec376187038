"""Load course_content/ into a `Course`, or list everything wrong with it.

`validate_course(root)` reads every file, checks it against the schema and the cross-file rules, and returns
all problems at once. `load_course(root)` does the same and, when nothing is wrong, renders the Markdown and
returns frozen dataclasses (see `defs`) for the sync to store.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from equiptrain.markdown import render_content

from .audit_criteria import Audit, build_audit, check_audit
from .checks import check_tree
from .core import build_core, check_core, read_core
from .defs import (
    AuthorDef,
    CertificateDef,
    ChecklistItemDef,
    ChoiceDef,
    CompletionRules,
    ConfidenceDef,
    ConfidenceItemDef,
    ContentInvalid,
    Course,
    EndingDef,
    ModuleDef,
    NodeDef,
    OptionDef,
    Problem,
    ProgrammeDef,
    PromptDef,
    QuestionDef,
    QuizDef,
    RoleDef,
    ScenarioDef,
    UnitDef,
    WorkshopRuleDef,
)
from .measures import build_measures, read_measures
from .overlays import build_local, check_local, read_local
from .provenance import record_of
from .schema import ROLE_KEYS, Confidence, ModuleMeta, Programme, Quiz, RolePlay, UnitMeta
from .source import (
    ModuleFiles,
    Parsed,
    Tree,
    parse_markdown,
    parse_yaml,
    read_text,
    validate,
    validate_scenario,
)
from .supervision import build_supervision, read_supervision
from .variants import group_variants, reading_minutes

__all__ = [
    "AuthorDef",
    "CertificateDef",
    "ChecklistItemDef",
    "ChoiceDef",
    "CompletionRules",
    "ConfidenceDef",
    "ConfidenceItemDef",
    "ContentInvalid",
    "Course",
    "EndingDef",
    "ModuleDef",
    "NodeDef",
    "OptionDef",
    "ProgrammeDef",
    "Problem",
    "PromptDef",
    "QuestionDef",
    "QuizDef",
    "RoleDef",
    "ScenarioDef",
    "UnitDef",
    "WorkshopRuleDef",
    "load_course",
    "read_tree",
    "validate_course",
]

_MODULE_ENTRIES = {"module.md", "quiz.yaml", "units", "scenarios"}


def validate_course(root: Path) -> list[Problem]:
    """Every problem in the course files, sorted by file then line; an empty list means the course is valid."""
    return _read(Path(root))[1]


def read_tree(root: Path) -> tuple[Tree, list[Problem]]:
    """The files as read (for reports such as `content status`) and every problem found in them."""
    return _read(Path(root))


def load_course(root: Path) -> Course:
    """The course, modules in programme order, Markdown rendered; raises ContentInvalid listing every problem."""
    tree, problems = _read(Path(root))
    if problems:
        raise ContentInvalid(problems)
    return _build(tree)


def _read(root: Path) -> tuple[Tree, list[Problem]]:
    problems: list[Problem] = []
    tree = Tree(
        programme=_yaml_file(root, root / "programme.yaml", Programme, problems, required=True),
        confidence=_yaml_file(root, root / "confidence.yaml", Confidence, problems, required=True),
        modules=[],
    )
    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        problems.append(
            Problem(
                "modules",
                1,
                "-",
                "the modules folder is missing: create it, with one folder per module such as modules/01-foundations/",
            )
        )
    else:
        for entry in _entries(modules_dir):
            if entry.is_dir():
                tree.modules.append(_module_files(root, entry, problems))
            else:
                problems.append(
                    _unexpected(
                        root, entry, "the modules folder holds one folder per module, e.g. modules/01-foundations/"
                    )
                )
    tree.audit = _yaml_file(root, root / "audit.yaml", Audit, problems)
    tree.supervision = read_supervision(root, problems)
    tree.measures = read_measures(root, problems)
    tree.core_days = read_core(root, problems)
    tree.local = read_local(root, problems)
    problems += check_tree(tree)
    check_core(tree, problems)
    check_local(tree, problems)
    check_audit(tree.audit, problems)
    return tree, sorted(set(problems), key=lambda p: (p.file, p.line, p.field, p.message))


def _entries(folder: Path) -> list[Path]:
    """A folder's entries in name order, without hidden files such as .DS_Store or .gitkeep."""
    return sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)


def _unexpected(root: Path, path: Path, what: str) -> Problem:
    return Problem(
        path.relative_to(root).as_posix(),
        1,
        "-",
        f"unexpected {'folder' if path.is_dir() else 'file'} '{path.name}': {what}",
    )


def _yaml_file(root: Path, path: Path, model, problems: list[Problem], required: bool = False) -> Parsed | None:
    rel = path.relative_to(root).as_posix()
    if not path.is_file():
        if required:
            problems.append(Problem(rel, 1, "-", "the file is missing: create it as course_content/README.md shows"))
        return None
    parsed = Parsed(rel)
    text = read_text(root, path, problems)
    parsed.src = parse_yaml(rel, text, problems) if text is not None else None
    if parsed.src is not None:
        parsed.model = (
            validate_scenario(parsed.src, problems) if model is None else validate(parsed.src, model, problems)
        )
    return parsed


def _markdown_file(root: Path, path: Path, model, problems: list[Problem]) -> Parsed:
    parsed = Parsed(path.relative_to(root).as_posix())
    text = read_text(root, path, problems)
    parsed.src = parse_markdown(parsed.rel, text, problems) if text is not None else None
    if parsed.src is not None:
        parsed.model = validate(parsed.src, model, problems)
    return parsed


def _module_files(root: Path, folder: Path, problems: list[Problem]) -> ModuleFiles:
    files = ModuleFiles(folder.name, folder.relative_to(root).as_posix())
    for entry in _entries(folder):
        if entry.name not in _MODULE_ENTRIES:
            problems.append(
                _unexpected(
                    root,
                    entry,
                    "a module folder holds module.md, quiz.yaml, units/ and scenarios/ (check the spelling)",
                )
            )
    if (folder / "module.md").is_file():
        files.module = _markdown_file(root, folder / "module.md", ModuleMeta, problems)
    else:
        problems.append(
            Problem(
                f"{files.rel}/module.md",
                1,
                "-",
                "the file is missing: every module folder needs a module.md (see course_content/README.md)",
            )
        )
    if (folder / "units").is_dir():
        for entry in _entries(folder / "units"):
            if entry.is_file() and entry.suffix == ".md":
                files.units.append(_markdown_file(root, entry, UnitMeta, problems))
            else:
                problems.append(_unexpected(root, entry, "units are Markdown files named like 01-unit-slug.md"))
    files.quiz = _yaml_file(root, folder / "quiz.yaml", Quiz, problems)
    if (folder / "scenarios").is_dir():
        for entry in _entries(folder / "scenarios"):
            if entry.is_file() and entry.suffix == ".yaml":
                scenario = _yaml_file(root, entry, None, problems)
                if scenario is not None:  # always: the entry is a file
                    files.scenarios.append(scenario)
            else:
                problems.append(_unexpected(root, entry, "scenarios are files named SLUG.yaml (ending in .yaml)"))
    return files


# Building the definitions (only ever called on a tree without problems)


def _hash(parsed: Parsed) -> str:
    return hashlib.sha256(parsed.source.text.encode("utf-8")).hexdigest()


def _found(parsed: Parsed | None) -> Parsed:
    """A file the course needs: always found in a tree without problems, the only kind that is built."""
    if parsed is None:
        raise ValueError("a course with problems cannot be built: check it first")
    return parsed


def _resolver(module_slug: str | None):
    """Map `unit:slug` (this module) and `unit:module/slug` to the unit page's path."""

    def resolve(target: str) -> str | None:
        other, _, unit = target.rpartition("/")
        module = other or module_slug
        return f"/modules/{module}/units/{unit}" if module and unit else None

    return resolve


def _build(tree: Tree) -> Course:
    programme = _found(tree.programme).model
    confidence = _found(tree.confidence).model
    by_slug = {files.slug: files for files in tree.modules}
    return Course(
        programme=ProgrammeDef(
            slug=programme.slug,
            title=programme.title,
            summary=programme.summary,
            summary_html=render_content(programme.summary, _resolver(None)),
            module_slugs=list(programme.modules),
            certificates=[
                CertificateDef(
                    c.slug,
                    c.title,
                    c.description,
                    list(c.modules),
                    WorkshopRuleDef(list(c.workshops.core), c.workshops.follow_ups, c.workshops.supervision)
                    if c.workshops
                    else None,
                    c.audience,
                )
                for c in programme.certificates
            ],
            supervision_sessions=None
            if programme.supervision.sessions_required == "all"
            else programme.supervision.sessions_required,
        ),
        confidence=ConfidenceDef(
            min=confidence.scale.min,
            max=confidence.scale.max,
            labels=dict(sorted(confidence.scale.labels.items())),
            items=[ConfidenceItemDef(i.slug, i.text, n) for n, i in enumerate(confidence.items, 1)],
        ),
        modules=[_build_module(by_slug[slug], n) for n, slug in enumerate(programme.modules, 1)],
        audit=build_audit(tree.audit),
        supervision=build_supervision(tree.supervision),
        measures=build_measures(tree.measures),
        core_days=build_core(tree.core_days),
        local_pages=build_local(tree),
    )


def _build_module(files: ModuleFiles, position: int) -> ModuleDef:
    module = _found(files.module)
    meta: ModuleMeta = module.model
    render = _resolver(meta.slug)
    intro = module.source.body.strip("\n")
    units = []
    for n, unit in enumerate(files.units, 1):
        body = unit.source.body.strip("\n")
        units.append(
            UnitDef(
                unit.model.slug,
                n,
                unit.model.title,
                reading_minutes(body),
                body,
                group_variants(render_content(body, render)),
                _hash(unit),
                record_of(unit.model),
            )
        )
    quiz = None
    if files.quiz is not None:
        quiz = QuizDef(
            files.quiz.model.pass_mark,
            [
                QuestionDef(
                    q.slug,
                    qn,
                    q.prompt,
                    sum(o.correct for o in q.options) > 1,
                    [OptionDef(on, o.text, o.correct, o.explanation) for on, o in enumerate(q.options, 1)],
                )
                for qn, q in enumerate(files.quiz.model.questions, 1)
            ],
            _hash(files.quiz),
        )
    c = meta.completion
    return ModuleDef(
        slug=meta.slug,
        folder=files.folder,
        position=position,
        title=meta.title,
        summary=meta.summary,
        prerequisites=list(meta.prerequisites),
        outcomes=list(meta.outcomes),
        estimated_minutes=meta.estimated_minutes,
        cpd_individual_hours=float(meta.cpd_hours.individual),
        cpd_participatory_hours=float(meta.cpd_hours.participatory),
        completion=CompletionRules(c.units, c.quiz, c.reflection, c.practice, c.workshop, c.core, c.workshop_kind),
        settings=list(meta.settings),
        authors=[AuthorDef(a.name, a.role) for a in meta.authors],
        reflective_prompts=[PromptDef(p.slug, p.prompt, n) for n, p in enumerate(meta.reflective_prompts, 1)],
        references=list(meta.references),
        intro_md=intro,
        intro_html=render_content(intro, render),
        units=units,
        quiz=quiz,
        scenarios=[_build_scenario(s, n, render) for n, s in enumerate(files.scenarios, 1)],
        content_hash=_hash(module),
    )


def _build_scenario(parsed: Parsed, position: int, render) -> ScenarioDef:
    s = parsed.model
    common = dict(
        slug=s.slug,
        kind=s.kind,
        position=position,
        title=s.title,
        summary=s.summary,
        setting=s.setting,
        skills=list(s.skills),
        content_hash=_hash(parsed),
        provenance=record_of(s),
    )
    if isinstance(s, RolePlay):
        roles = {
            key: RoleDef(key, role.title, render_content(role.brief, render))
            for key in ROLE_KEYS
            if (role := getattr(s.roles, key)) is not None
        }
        return ScenarioDef(
            **common,
            roles=roles,
            observer_checklist=[
                ChecklistItemDef(i.slug, i.behaviour, n) for n, i in enumerate(s.observer_checklist, 1)
            ],
            debrief_questions=list(s.debrief_questions),
            timings=s.timings.model_dump(),
            start=None,
            nodes=[],
        )
    nodes = []
    for node in s.nodes:
        ending = None
        if node.ending:
            ending = EndingDef(node.ending.title, node.ending.outcome, render_content(node.ending.debrief, render))
        choices = [
            ChoiceDef(n, ch.text, render_content(ch.feedback, render), ch.next)
            for n, ch in enumerate(node.choices or [], 1)
        ]
        nodes.append(NodeDef(node.slug, render_content(node.text, render) if node.text else "", choices, ending))
    return ScenarioDef(
        **common, roles={}, observer_checklist=[], debrief_questions=[], timings={}, start=s.start, nodes=nodes
    )
