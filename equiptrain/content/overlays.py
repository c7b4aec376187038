"""Local content: an organisation adds its own pages (local policy, who to call, local forms) to a module without
forking the course. One folder per organisation under course_content/local/:

    local/northbridge/organisation.yaml          name: "Northbridge Mental Health NHS Foundation Trust"
    local/northbridge/carers-confidentiality/01-who-to-call.md

Pages are checked like units (front matter, boxes, setting variants, links to the course), stored at sync as
`LocalPage` rows keyed by the organisation's name, and shown only to that organisation's staff, marked as local.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from equiptrain.markdown import render_content

from .defs import LocalPageDef, Problem
from .schema import LocalOrganisation, LocalPageMeta
from .source import Parsed, Tree, parse_markdown, parse_yaml, read_text, validate
from .variants import group_variants, reading_minutes

PAGE_RE = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")


def _unexpected(root: Path, path: Path, what: str) -> Problem:
    kind = "folder" if path.is_dir() else "file"
    return Problem(path.relative_to(root).as_posix(), 1, "-", f"unexpected {kind} '{path.name}': {what}")


def read_local(root: Path, problems: list[Problem]) -> list[tuple[Parsed, list[tuple[str, Parsed]]]]:
    folder = root / "local"
    if not folder.is_dir():
        return []
    out = []
    for org_dir in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        if not org_dir.is_dir():
            problems.append(_unexpected(root, org_dir, "local/ holds one folder per organisation"))
            continue
        org_file = org_dir / "organisation.yaml"
        org = Parsed(org_file.relative_to(root).as_posix())
        if not org_file.is_file():
            problems.append(
                Problem(org.rel, 1, "-", "the file is missing: write organisation.yaml with the organisation's name")
            )
        else:
            text = read_text(root, org_file, problems)
            org.src = parse_yaml(org.rel, text, problems) if text is not None else None
            if org.src is not None:
                org.model = validate(org.src, LocalOrganisation, problems)
        pages: list[tuple[str, Parsed]] = []
        for module_dir in sorted(p for p in org_dir.iterdir() if not p.name.startswith(".")):
            if module_dir.name == "organisation.yaml":
                continue
            if not module_dir.is_dir():
                problems.append(
                    _unexpected(
                        root,
                        module_dir,
                        "an organisation's folder holds organisation.yaml and one folder "
                        "per module, named by the module's slug",
                    )
                )
                continue
            for path in sorted(p for p in module_dir.iterdir() if not p.name.startswith(".")):
                if not (path.is_file() and PAGE_RE.match(path.name)):
                    problems.append(
                        _unexpected(root, path, "local pages are Markdown files named like 01-who-to-call.md")
                    )
                    continue
                parsed = Parsed(path.relative_to(root).as_posix())
                text = read_text(root, path, problems)
                parsed.src = parse_markdown(parsed.rel, text, problems) if text is not None else None
                if parsed.src is not None:
                    parsed.model = validate(parsed.src, LocalPageMeta, problems)
                    if not parsed.src.body.strip():
                        problems.append(
                            Problem(
                                parsed.rel,
                                parsed.src.body_line,
                                "body",
                                "the page has no text: write it below the second '---'",
                            )
                        )
                pages.append((module_dir.name, parsed))
        out.append((org, pages))
    return out


def check_local(tree: Tree, problems: list[Problem]) -> None:
    """Module folders name modules of the programme; slugs are unique within a module's local pages; each
    organisation appears once; the Markdown follows the course's rules (boxes, variants, unit links)."""
    from .checks import check_markdown_text  # the course's own Markdown rules

    modules = {m.slug for m in tree.modules if m.slug}
    units = {m.slug: [u.model.slug for u in m.units if u.model] for m in tree.modules if m.slug}
    names: dict[str, str] = {}
    for org, pages in tree.local:
        if org.model is not None:
            key = org.model.name.strip().lower()
            if key in names:
                problems.append(
                    org.source.problem(("name",), f"'{org.model.name}' already has a folder ({names[key]}): use one")
                )
            names.setdefault(key, org.rel)
        seen: dict[tuple[str, str], str] = {}
        for module_slug, page in pages:
            if module_slug not in modules:
                problems.append(
                    Problem(
                        page.rel,
                        1,
                        "-",
                        f"there is no module '{module_slug}': name the folder after a module "
                        f"slug ({', '.join(sorted(modules))})",
                    )
                )
            if page.model is None:
                continue
            key = (module_slug, page.model.slug)
            if key in seen:
                problems.append(
                    page.source.problem(("slug",), f"duplicate slug '{page.model.slug}': {seen[key]} already uses it")
                )
            seen.setdefault(key, page.rel)
            check_markdown_text(page.source, page.source.body, page.source.body_line, module_slug, units, problems)


def build_local(tree: Tree) -> list[LocalPageDef]:
    out = []
    for org, pages in tree.local:
        name = org.model.name.strip()
        positions: dict[str, int] = {}
        for module_slug, page in pages:
            positions[module_slug] = positions.get(module_slug, 0) + 1
            meta: LocalPageMeta = page.model
            body = page.source.body.strip("\n")

            def resolve(target: str, module: str = module_slug) -> str | None:
                other, _, unit = target.rpartition("/")
                return f"/modules/{other or module}/units/{unit}" if unit else None

            out.append(
                LocalPageDef(
                    name,
                    module_slug,
                    meta.slug,
                    positions[module_slug],
                    meta.title,
                    meta.owner,
                    meta.review_by,
                    reading_minutes(body),
                    group_variants(render_content(body, resolve)),
                    hashlib.sha256(page.source.text.encode("utf-8")).hexdigest(),
                )
            )
    return out
