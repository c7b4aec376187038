"""Completion rules that need workshops: `core: true` (attended the whole core) and `workshop_kind` (only that
kind of workshop covering the module completes it), through the real register and its signals."""

from __future__ import annotations

import datetime as dt

from equiptrain.content import snapshot
from equiptrain.extensions import db
from equiptrain.learning import record as records
from equiptrain.learning import services
from equiptrain.workshops import attendance
from equiptrain.workshops import services as workshop_services
from equiptrain.workshops.models import AttendanceStatus, WorkshopKind
from tests.learning.helpers import progress
from tests.workshops.helpers import make_module, make_workshop

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


def _module(**rules):
    module = make_module()
    module.requires_units = False
    for name, value in rules.items():
        setattr(module, name, value)
    db.session.commit()
    return module


def _run(workshop, statuses_by_session):
    actor = workshop.facilitators[0].user
    for session, statuses in zip(workshop.sessions, statuses_by_session, strict=False):
        attendance.mark(actor, workshop, statuses, session)
        attendance.sign_off(actor, workshop, session)


def _progress(user, module):
    return progress(user, module.slug)


def _start(user, module) -> None:
    """The learner starts the module by reading its page."""
    view = snapshot.current().by_slug[module.slug]
    services.mark_unit_read(user, records.load(user.id), view, view.units[0])


def _unmet(user, module) -> list[str]:
    """What the module page lists as still to do: the summary's steps, and the core where required."""
    view = snapshot.current().by_slug[module.slug]
    missing = records.unmet(view, records.load(user.id).summary(module.id))
    if module.requires_core and not workshop_services.attended_core(user.id):
        missing.append("core")
    return missing


def test_a_module_that_requires_the_core_waits_for_every_session(build):
    module = _module(requires_workshop=False, requires_core=True)
    team = build.team()
    a, b = build.user("learner", team=team), build.user("learner", team=team)
    for person in (a, b):
        _start(person, module)
    assert _unmet(a, module) == ["core"]
    core = make_workshop(build, teams=[team], days=2, starts_in=dt.timedelta(days=-9), modules=[make_module()])
    _run(core, [{a.id: P, b.id: P}])
    assert _progress(a, module).completed_at is None  # day one is not the core
    actor = core.facilitators[0].user
    attendance.mark(actor, core, {a.id: P, b.id: A}, core.sessions[1])
    attendance.sign_off(actor, core, core.sessions[1])
    assert _progress(a, module).completed_at is not None
    assert _progress(b, module).completed_at is None
    assert _unmet(b, module) == ["core"]


def test_only_the_named_workshop_kind_completes_the_module(build):
    module = _module(requires_workshop=True, workshop_kind="supervision")
    team = build.team()
    a = build.user("learner", team=team)
    core = make_workshop(build, teams=[team], starts_in=dt.timedelta(days=-30), modules=[module])
    _start(a, module)
    _run(core, [{a.id: P}])
    assert _progress(a, module).workshop_done_at is None
    assert _unmet(a, module) == ["workshop"]
    supervision = make_workshop(
        build,
        org=team.organisation,
        teams=[team],
        kind=WorkshopKind.SUPERVISION,
        follow_up_of=core,
        starts_in=dt.timedelta(days=-1),
        modules=[module],
    )
    _run(supervision, [{a.id: P}])
    assert _progress(a, module).completed_at is not None


def test_the_module_page_says_what_is_needed(build, client, login):
    module = _module(requires_workshop=True, workshop_kind="supervision", requires_core=True)
    team = build.team()
    learner = build.user("learner", team=team)
    login(learner)
    page = client.get(f"/modules/{module.slug}").get_data(as_text=True)
    assert "To do: attend the EQUIP core with your team" in page
    assert "To do: attend a team supervision session covering this module" in page
    core = make_workshop(build, teams=[team], starts_in=dt.timedelta(days=-3), modules=[make_module()])
    _run(core, [{learner.id: P}])
    page = client.get(f"/modules/{module.slug}").get_data(as_text=True)
    assert "Done: attend the EQUIP core with your team" in page


def test_the_course_requires_the_core_and_supervision_for_writing_together(app):
    from pathlib import Path

    from equiptrain.content.loader import load_course

    course = load_course(Path(app.config["CONTENT_DIR"]))
    rules = {m.slug: m.completion for m in course.modules}
    assert rules["writing-together"].core and rules["writing-together"].workshop
    assert rules["writing-together"].workshop_kind == "supervision"
