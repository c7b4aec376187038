"""The learner pages run the same small, fixed number of SQL statements however large the course is and however far
the learner has gone: the signed-in person (with their session row and roles) and the learner's record (every module
summary and every unit read, in one statement). The course comes from the worker's snapshot. A query per module, per
unit or per unit read would show here as a count that grows with the course."""

from __future__ import annotations

import re

import pytest

from equiptrain.content import snapshot
from equiptrain.content.models import Module, Unit
from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress, ProgressStatus, UnitRead
from tests.learning.helpers import read_all_units

# The statements each page runs: the person, the learner's record; My programme also asks for the learner's open
# refreshers (issue 19's panel). Nothing else, whatever the size of the course.
STATEMENTS = {"unit": 2, "programme": 3}
# The tables those read: the person, their session, the three role checks; the summaries and the units read; the
# refreshers (and the modules they name).
LEARNER_TABLES = {"users", "user_sessions", "trainer_profiles", "memberships", "guest_accesses"} | {
    "module_progress",
    "unit_reads",
    "refreshers",
    "modules",
}


@pytest.fixture
def cached(app, monkeypatch):
    # As in production: each worker keeps the course as a snapshot, so the pages query only the learner's state.
    monkeypatch.setitem(app.config, "CONTENT_CACHE_SECONDS", 300)
    snapshot.invalidate()
    yield
    snapshot.invalidate()


def _grow_course(modules: int, units_each: int) -> list[Module]:
    """Add `modules` open modules of `units_each` units each after the small course's two."""
    added = []
    for m in range(modules):
        module = Module(
            slug=f"extra-{m}",
            position=100 + m,
            title=f"Extra module {m}",
            summary=f"An extra module ({m}) to make the course larger.",
            intro_html="<p>Extra.</p>",
            prerequisites=[],
            estimated_minutes=60,
            cpd_individual_hours=1.0,
            cpd_participatory_hours=0.0,
            requires_units=True,
            requires_quiz=False,
            requires_reflection=False,
            requires_practice=False,
            requires_workshop=False,
            content_hash="x" * 64,
        )
        module.units = [
            Unit(
                slug=f"page-{u}",
                position=u,
                title=f"Page {u} of extra module {m}",
                minutes=5,
                body_html=f"<p>Page {u}.</p>",
                content_hash="y" * 64,
            )
            for u in range(units_each)
        ]
        db.session.add(module)
        added.append(module)
    db.session.flush()
    return added


def _read_everything(learner, modules: list[Module]) -> None:
    """The learner has read every unit of `modules` and completed them (a summary row for each)."""
    now = utcnow()
    for module in modules:
        db.session.add_all(UnitRead(user_id=learner.id, unit_id=unit.id) for unit in module.units)
        db.session.add(
            ModuleProgress(
                user_id=learner.id,
                module_id=module.id,
                status=ProgressStatus.COMPLETE.value,
                units_read=len(module.units),
                steps_done=len(module.units),
                completed_at=now,
            )
        )
    db.session.flush()


def _statements(client, count_queries, path: str) -> list[str]:
    client.get(path)  # the snapshot is built (or found) outside the count, as on a warm worker
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return counted.statements


@pytest.mark.parametrize("extra_modules, units_each", [(0, 0), (3, 4), (12, 15)])
def test_each_learner_page_runs_the_same_statements_whatever_the_size_of_the_course(
    course, cached, build, login, client, count_queries, extra_modules, units_each
):
    learner = build.user()
    read_all_units(learner, "foundations")
    _read_everything(learner, _grow_course(extra_modules, units_each))
    db.session.commit()
    snapshot.invalidate()  # as a sync does: the worker's copy is built afresh with the added modules
    login(learner)
    assert len(snapshot.current().modules) == 2 + extra_modules
    pages = ["/modules/foundations/units/power-in-the-relationship", "/programme"]
    if extra_modules:
        pages.append(f"/modules/extra-{extra_modules - 1}/units/page-{units_each - 1}")
    for path in pages:
        statements = _statements(client, count_queries, path)
        expected = STATEMENTS["programme" if path == "/programme" else "unit"]
        assert len(statements) == expected, (path, [s[:100] for s in statements])
        # Never the course itself (the snapshot has it), nor any other feature's tables.
        touched = {t for s in statements for t in re.findall(r"\bFROM (\w+)", s)}
        assert touched <= LEARNER_TABLES, (path, touched)
    # The programme lists every module, and the learner's progress in each: found with the same statements.
    page = client.get("/programme").text
    assert f"You have completed {extra_modules} of {2 + extra_modules} modules" in page


def test_the_unit_page_still_says_who_wrote_and_reviewed_it(course, cached, build, login, client):
    # The line is worked out once, when the worker builds its copy of the course, not on every view.
    from markupsafe import escape

    from equiptrain.content import provenance
    from tests.learning.helpers import unit

    page = unit("foundations", "power-in-the-relationship")
    line = " ".join(provenance.describe(page.provenance))
    assert line.startswith("Written by")
    login(build.user())
    assert str(escape(line)) in client.get("/modules/foundations/units/power-in-the-relationship").text


@pytest.mark.parametrize(
    "minutes, words",
    [
        (45, "about 45 minutes"),
        (60, "about 1 hour"),
        (90, "about 1 hour 30 minutes"),
        (120, "about 2 hours"),
        (150, "about 2 hours 30 minutes"),
    ],
)
def test_a_modules_estimated_time_in_words(minutes, words):
    # A filter rather than a macro: the programme page says it once per module.
    from equiptrain.learning.views import duration

    assert duration(minutes) == words
