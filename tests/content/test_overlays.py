"""Local content: an organisation's overlay folder adds pages to a module, validated like the course, stored at
sync and shown only to that organisation's staff, marked as local."""

from __future__ import annotations

import pytest

from equiptrain.content.loader import load_course, validate_course
from tests.content.cases import Case, check_case, ed, put, rm
from tests.content.trees import write, write_valid_tree

ORG = "local/trust/organisation.yaml"
PAGE = "local/trust/foundations/01-who-to-call.md"
PAGE_MD = """\
---
slug: who-to-call
title: Who to call
owner: the IG team
review_by: "2027-06"
written_by:
  - {role: professional, when: "2026-12"}
---
Ring extension 1234. See [the first unit](unit:what-involvement-means).

!!! setting-inpatient "On the ward"
    Ask the nurse in charge.

!!! setting-community "In the community"
    Ask the duty worker.
"""


def _overlay(root, name: str = "Trust One") -> None:
    write(root, ORG, f'name: "{name}"\n')
    write(root, PAGE, PAGE_MD)


def test_a_valid_overlay_is_loaded(tmp_path):
    root = write_valid_tree(tmp_path / "course")
    _overlay(root)
    assert validate_course(root) == []
    (page,) = load_course(root).local_pages
    assert (page.organisation, page.module_slug, page.slug, page.position) == (
        "Trust One",
        "foundations",
        "who-to-call",
        1,
    )
    assert 'href="/modules/foundations/units/what-involvement-means"' in page.body_html
    assert 'class="et-variants"' in page.body_html and page.minutes == 1


def _case(id, mutate, file, where, field, says):
    def both(root):
        _overlay(root)
        mutate(root)

    return Case(id, both, file, where, field, says)


CASES = [
    _case("no-organisation-file", rm(ORG), ORG, 1, "-", "write organisation.yaml"),
    _case(
        "unknown-module",
        put("local/trust/nope/01-x.md", PAGE_MD),
        "local/trust/nope/01-x.md",
        1,
        "-",
        "there is no module 'nope'",
    ),
    _case(
        "bad-file-name",
        put("local/trust/foundations/who.md", PAGE_MD),
        "local/trust/foundations/who.md",
        1,
        "-",
        "local pages are Markdown files",
    ),
    _case("missing-owner", ed(PAGE, "owner: the IG team\n", ""), PAGE, "slug:", "owner", "'owner' is missing"),
    _case("bad-review-month", ed(PAGE, '"2027-06"', '"June"'), PAGE, "review_by:", "review_by", "is not a month"),
    _case(
        "broken-link",
        ed(PAGE, "unit:what-involvement-means", "unit:nope"),
        PAGE,
        "Ring extension",
        "body",
        "broken link 'unit:nope'",
    ),
    _case(
        "lonely-variant",
        ed(PAGE, '!!! setting-community "In the community"\n    Ask the duty worker.\n', ""),
        PAGE,
        "!!! setting-inpatient",
        "body",
        "stands alone",
    ),
    _case(
        "bad-box",
        ed(PAGE, "Ring extension 1234.", '!!! tip "x"\n    y\n\nRing extension 1234.'),
        PAGE,
        "!!! tip",
        "body",
        "unknown box kind 'tip'",
    ),
    _case(
        "same-organisation-twice",
        put("local/zz-again/organisation.yaml", 'name: "trust one"\n'),
        "local/zz-again/organisation.yaml",
        "name:",
        "name",
        "already has a folder",
    ),
    _case("stray-file", put("local/readme.txt", "x"), "local/readme.txt", 1, "-", "one folder per organisation"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(tmp_path, case):
    check_case(tmp_path, case)


def test_the_shipped_demo_overlay_is_valid():
    from pathlib import Path

    course = load_course(Path(__file__).resolve().parents[2] / "course_content")
    assert {p.organisation for p in course.local_pages} == {"Northbridge Mental Health NHS Foundation Trust (demo)"}
