"""Reading one course file: YAML or Markdown front matter, line numbers, and schema errors in plain words.

YAML is composed into a node tree (which keeps line numbers) and constructed from it in the same pass; a
pydantic error's `loc` is then walked down that tree to the line that holds the offending field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .defs import Problem
from .schema import MONTH_PATTERN, NOT_BLANK_PATTERN, SCENARIO_MODELS, SLUG_PATTERN, ScenarioHead

Path_ = tuple[str | int, ...]


@dataclass
class Source:
    """A parsed file: its text, YAML node tree and data, and for .md files the Markdown body."""

    rel: str
    text: str
    root: yaml.Node | None = None
    data: Any = None
    offset: int = 0  # file lines before the YAML starts (1 for front matter: the opening ---)
    body: str = ""
    body_line: int = 1  # file line of the body's first line

    def _walk(self, path: Path_) -> tuple[yaml.Node | None, int, str]:
        node, line = self.root, (self.root.start_mark.line if self.root is not None else 0)
        parts: list[str] = []
        for i, key in enumerate(path):
            if isinstance(node, yaml.MappingNode):
                hit = next(
                    ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(key)), None
                )
                parts.append(str(key))
                if hit is None:
                    node = None
                    parts += [_part(p) for p in path[i + 1 :]]
                    break
                line, node = hit[0].start_mark.line, hit[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line
                parts.append(str(key + 1))
            else:
                node = None
                parts += [_part(p) for p in path[i:]]
                break
        return node, line + 1 + self.offset, ".".join(parts) or "-"

    def line(self, path: Path_ = ()) -> int:
        """File line of the field at `path` (its key's line), or of the nearest parent that exists."""
        return self._walk(path)[1]

    def field(self, path: Path_) -> str:
        """Dotted path for messages, lists numbered from 1 as a trainer counts them."""
        return self._walk(path)[2]

    def text_line(self, path: Path_) -> int:
        """File line where the text of a scalar starts (the line after `|` for a block)."""
        node, line, _ = self._walk(path)
        if isinstance(node, yaml.ScalarNode):
            return node.start_mark.line + 1 + self.offset + (1 if node.style in ("|", ">") else 0)
        return line

    def problem(self, path: Path_, message: str) -> Problem:
        node, line, name = self._walk(path)
        return Problem(self.rel, line, name, message)


def _part(p: str | int) -> str:
    return str(p + 1) if isinstance(p, int) else str(p)


@dataclass
class Parsed:
    """One file as read: `src` is None when it could not be parsed, `model` None when it broke the schema."""

    rel: str
    src: Source | None = None
    model: Any = None

    @property
    def source(self) -> Source:
        """`src` of a file known to have been parsed (one with a `model`, say)."""
        if self.src is None:
            raise ValueError(f"{self.rel} could not be parsed: it has no source")
        return self.src


@dataclass
class ModuleFiles:
    """Everything found in one modules/NN-slug/ folder."""

    folder: str
    rel: str
    module: Parsed | None = None
    units: list[Parsed] = field(default_factory=list)
    quiz: Parsed | None = None
    scenarios: list[Parsed] = field(default_factory=list)

    @property
    def folder_slug(self) -> str | None:
        match = FOLDER_RE.match(self.folder)
        return match.group(2) if match else None

    @property
    def slug(self) -> str | None:
        if self.module and self.module.model:
            return self.module.model.slug
        return self.folder_slug

    @property
    def complete(self) -> bool:
        """True when module.md and every unit parsed, so a missing unit really is missing."""
        return bool(self.module and self.module.model) and all(u.model for u in self.units)


FOLDER_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")


@dataclass
class Tree:
    """The whole content folder as read, before cross-file checks."""

    programme: Parsed | None
    confidence: Parsed | None
    modules: list[ModuleFiles]
    audit: Parsed | None = None  # audit.yaml, optional
    supervision: list[Parsed] = field(default_factory=list)
    measures: list[Parsed] = field(default_factory=list)  # measures/*.yaml, optional
    core_days: list[Parsed] = field(default_factory=list)
    # local/<folder>/: (organisation.yaml, [(module slug, page)])
    local: list[tuple[Parsed, list[tuple[str, Parsed]]]] = field(default_factory=list)


# Reading and parsing


def read_text(root: Path, path: Path, problems: list[Problem]) -> str | None:
    """The file's text with newlines normalised, or None (and a problem) if it is not readable UTF-8."""
    rel = path.relative_to(root).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(
            Problem(
                rel,
                1,
                "-",
                f"cannot be read ({exc.strerror}): check the file is not open elsewhere and that you may read it",
            )
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                rel,
                raw[: exc.start].count(b"\n") + 1,
                "-",
                "is not UTF-8 text: save the file as UTF-8 (plain text) in your editor",
            )
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SYNTAX_HINTS = [
    (
        "mapping values are not allowed",
        "a value contains a colon followed by a space: put the whole value in double quotes",
    ),
    (
        "cannot start any token",
        "a tab or special character: indent with spaces, not tabs, and put text starting "
        "with @, ` or % in double quotes",
    ),
    ("expected ':'", "a line has no 'name: value' colon, or a long text is not indented under its '|'"),
    ("expected <block end>", "the indentation is uneven: line entries up with the same number of spaces"),
    ("did not find expected key", "the indentation is uneven: line entries up with the same number of spaces"),
    ("found unexpected end of stream", "a quote is opened but never closed: close it with the same quote mark"),
    ("expected a single document", "the file holds more than one document: remove the extra '---' line"),
]


def read_numbered_pages(
    root: Path, folder_name: str, file_re: re.Pattern, meta: type[BaseModel], problems: list[Problem], naming: str
) -> list[tuple[int, Parsed]]:
    """The Markdown pages of `root/folder_name` whose names match `file_re` (its first group is the number),
    parsed and validated against `meta`, sorted by number. Anything else in the folder is a problem; `naming` says
    how files are named (e.g. "core days are files named day-1.md, day-2.md")."""
    folder = root / folder_name
    if not folder.is_dir():
        return []
    found: list[tuple[int, Parsed]] = []
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        rel = path.relative_to(root).as_posix()
        match = file_re.match(path.name) if path.is_file() else None
        if match is None:
            kind = "folder" if path.is_dir() else "file"
            problems.append(Problem(rel, 1, "-", f"unexpected {kind} '{path.name}': {naming}"))
            continue
        parsed = Parsed(rel)
        text = read_text(root, path, problems)
        parsed.src = parse_markdown(rel, text, problems) if text is not None else None
        if parsed.src is not None:
            parsed.model = validate(parsed.src, meta, problems)
        found.append((int(match.group(1)), parsed))
    found.sort(key=lambda item: item[0])
    return found


def parse_yaml(rel: str, text: str, problems: list[Problem], offset: int = 0) -> Source | None:
    """Compose and construct YAML in one pass; a syntax error becomes one problem with its line."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        hint = next(
            (h for key, h in _SYNTAX_HINTS if key in what),
            "check the indentation, colons and quotes on this line and the line above",
        )
        problems.append(
            Problem(rel, (mark.line + 1 if mark else 1) + offset, "-", f"the YAML cannot be read ({what}): {hint}")
        )
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, 1 + offset, "-", f"the YAML cannot be read ({exc}): check the file's layout"))
        return None
    finally:
        loader.dispose()
    src = Source(rel, text, root, data, offset)
    _duplicate_keys(src, root, (), problems)
    return src


def _duplicate_keys(src: Source, node: yaml.Node | None, path: Path_, problems: list[Problem]) -> None:
    """PyYAML silently keeps the last of two equal keys; a trainer should hear about the first one."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str | None] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name in seen:
                problems.append(
                    Problem(
                        src.rel,
                        key.start_mark.line + 1 + src.offset,
                        src.field(path + (str(name),)),
                        f"'{name}' appears twice here: keep only one (the second would win)",
                    )
                )
            seen.add(name)
            _duplicate_keys(src, value, path + ((name,) if name is not None else ()), problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _duplicate_keys(src, item, path + (i,), problems)


def parse_markdown(rel: str, text: str, problems: list[Problem]) -> Source | None:
    """Split `---` front matter from the Markdown body and parse the front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        problems.append(
            Problem(
                rel,
                1,
                "-",
                "missing front matter: the file must start with a line '---', then "
                "the settings (slug, title ...), then another line '---'",
            )
        )
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        problems.append(
            Problem(
                rel,
                1,
                "-",
                "the front matter is not closed: add a line '---' after the settings at the top of the file",
            )
        )
        return None
    src = parse_yaml(rel, "\n".join(lines[1:end]) + "\n", problems, offset=1)
    if src is None:
        return None
    src.text, src.body, src.body_line = text, "\n".join(lines[end + 1 :]), end + 2
    return src


def validate(src: Source, model: type[BaseModel], problems: list[Problem]) -> Any:
    """The schema model for `src`, or None with every schema error added to `problems`."""
    try:
        return model.model_validate(src.data)
    except ValidationError as exc:
        problems.extend(schema_problems(src, model, exc))
        return None


def validate_scenario(src: Source, problems: list[Problem]) -> Any:
    """Read `kind` first, then check the file against the role-play or solo model."""
    try:
        head = ScenarioHead.model_validate(src.data)
    except ValidationError as exc:
        problems.extend(schema_problems(src, ScenarioHead, exc))
        return None
    return validate(src, SCENARIO_MODELS[head.kind], problems)


# Schema errors in plain words

_LIST_NOUNS = {
    "items": "confidence items",
    "observer_checklist": "checklist items",
    "options": "options",
    "questions": "questions",
    "choices": "choices",
    "reflective_prompts": "reflective prompts",
    "debrief_questions": "debrief questions",
    "nodes": "nodes",
    "written_by": "entries under written_by",
    "references": "references",
}


def schema_problems(src: Source, model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    """One Problem per pydantic error, at the line of the field it is about."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p != "[key]")
        try:
            message = _message(model, err, loc)
        except Exception:  # a message that cannot be phrased must never hide the problem itself
            message = err["msg"]
        out.append(src.problem(loc, message))
    return out


def _message(model: type[BaseModel], err: ErrorDetails, loc: Path_) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    name = loc[-1] if loc else None
    if kind == "missing":
        return _missing(model, loc)
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else ""
        noun = getattr(parent, "noun", "field")
        return f"unknown {noun} '{name}': fix the spelling or remove it (allowed here: {allowed})"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{_show(value)} is not allowed here: use one of: {', '.join(options)}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return (
                f"{_show(value)} is not a valid slug: use only lower-case letters, digits and hyphens, "
                f"e.g. '{slugify(str(value))}'"
            )
        if ctx.get("pattern") == NOT_BLANK_PATTERN:
            return "is empty: write some text here"
        if ctx.get("pattern") == MONTH_PATTERN:
            return f'{_show(value)} is not a month: write the year and month in double quotes, e.g. "2026-11"'
    if kind == "string_type":
        if isinstance(value, (list, dict)):
            return "should be a single piece of text, not a list or a group of settings"
        return f"should be text, not {_show(value)}: put the text in double quotes"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"should be a whole number, not {_show(value)}: write it without quotes or decimals, e.g. 10"
    if kind in ("float_type", "float_parsing"):
        return f"should be a number, not {_show(value)}: write it without quotes, e.g. 1.5"
    if kind in ("bool_type", "bool_parsing"):
        return f"should be true or false, not {_show(value)}"
    if kind == "list_type":
        return "should be a list: one line per entry starting with '- ', or [first, second]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if not loc:
            return "the file is empty or is not a set of 'name: value' lines: see course_content/README.md"
        return "should be a group of 'name: value' lines, indented under this name"
    if kind in ("too_short", "too_long"):
        noun = _LIST_NOUNS.get(str(name), str(name).replace("_", " ") if name else "entries")
        n = ctx.get("actual_length")
        if kind == "too_short":
            return f"needs at least {ctx['min_length']} {noun}, found {n}: add {ctx['min_length'] - n} more"
        return f"allows at most {ctx['max_length']} {noun}, found {n}: remove {n - ctx['max_length']}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _bounds(model, loc)
        if low is not None and high is not None:
            return f"{_show(value)} is out of range: use a number from {low} to {high}"
        return f"{_show(value)} is out of range: {err['msg'].lower().replace('input ', 'it ')}"
    return err["msg"]


def _missing(model: type[BaseModel], loc: Path_) -> str:
    name = loc[-1]
    parent = _model_at(model, loc[:-1])
    if getattr(parent, "noun", None) == "role":
        return f"the role play needs a '{name}' role: add '{name}:' under roles, with a title and a brief"
    if name == "kind":
        return "'kind' is missing: add 'kind: roleplay' or 'kind: solo'"
    if name == "written_by":
        return (
            "'written_by' is missing: record who wrote this and when, e.g. a line 'written_by:' and under it "
            "'  - {role: professional, when: \"2026-11\"}' (see course_content/README.md)"
        )
    annotation = _unwrap(parent.model_fields[name].annotation) if parent and name in parent.model_fields else None
    if annotation is bool:
        return f"'{name}' is missing: add '{name}: true' or '{name}: false'"
    if get_origin(annotation) is Literal:
        return f"'{name}' is missing: add '{name}:' with one of: {', '.join(get_args(annotation))}"
    return f"'{name}' is missing: add a line '{name}: ...' (see course_content/README.md)"


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or (origin is not None and type(None) in get_args(tp)):
            args = [a for a in get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        else:
            return tp


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The schema model that describes the mapping at `loc`, if it is one."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        elif get_origin(tp) is list and isinstance(part, int):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _bounds(model: type[BaseModel], loc: Path_) -> tuple[Any, Any]:
    parent = _model_at(model, loc[:-1])
    if parent is None or loc[-1] not in parent.model_fields:
        return None, None
    info = parent.model_fields[loc[-1]]
    metadata = list(info.metadata)
    annotation = info.annotation
    if get_origin(annotation) is Annotated:
        for extra in get_args(annotation)[1:]:
            metadata += list(getattr(extra, "metadata", [extra]))
    low = next((m.ge for m in metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in metadata if getattr(m, "le", None) is not None), None)
    return low, high


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a group of settings"
    if isinstance(value, (str, date)):
        return f"'{value}'"
    return str(value)


def slugify(text: str) -> str:
    """A slug suggestion for a message: 'Key Point!' -> 'key-point'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "my-slug"
