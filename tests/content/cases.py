"""Shared machinery for the rule tests: a Case mutates the valid tree and names the one problem it must cause."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from equiptrain.content.loader import Problem, validate_course
from tests.content.trees import edit, line_of, write, write_valid_tree

F = "modules/01-foundations"
L = "modules/02-listening"
Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Mutation
    file: str
    where: str | int  # a fragment of the offending line (looked up after mutating), or a line number
    field: str
    says: str  # a fragment of the message
    nth: int = 1  # which line containing `where`

    def __str__(self) -> str:
        return self.id


def ed(rel: str, old: str, new: str, count: int = 1) -> Mutation:
    return lambda root: edit(root, rel, old, new, count)


def rm(rel: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / rel
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return mutate


def put(rel: str, text: str) -> Mutation:
    return lambda root: write(root, rel, text)


def cut(rel: str, marker: str) -> Mutation:
    """Drop everything from `marker` to the end of the file."""

    def mutate(root: Path) -> None:
        text = (root / rel).read_text(encoding="utf-8")
        assert marker in text
        (root / rel).write_text(text.split(marker)[0], encoding="utf-8")

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for m in mutations:
            m(root)

    return mutate


def check_case(tmp_path: Path, case: Case) -> list[Problem]:
    """Apply the case to a fresh valid tree and assert its problem is reported exactly where it should be."""
    root = write_valid_tree(tmp_path / "course")
    case.mutate(root)
    problems = validate_course(root)
    line = case.where if isinstance(case.where, int) else line_of(root, case.file, case.where, case.nth)
    where = (case.file, line, case.field)
    hits = [p for p in problems if (p.file, p.line, p.field) == where and case.says in p.message]
    assert hits, f"expected {case.file}:{line}: {case.field}: ...{case.says}... in:\n" + "\n".join(map(str, problems))
    return problems
