"""A new learner takes module 1 from start to completion in a real browser; every page is scanned by axe."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from equiptrain.accounts import services as accounts
from equiptrain.accounts.models import Profession
from equiptrain.content.models import Module, Scenario
from equiptrain.content.sync import sync_course
from equiptrain.demo.learning import _route
from equiptrain.learning.models import ModuleProgress

PASSWORD = "a long browser password"


def _click(tab, role: str, name: str):
    tab.page.get_by_role(role, name=name).first.click()
    tab.page.wait_for_load_state()
    tab.scan()


def test_a_new_learner_completes_module_one(browse, live_db):
    sync_course(Path(current_app.config["CONTENT_DIR"]))
    user = accounts.create_user(
        None,
        name="Browser Learner",
        email="learning.browser@example.nhs.uk",
        profession=Profession.NURSE,
        organisation=None,
        password=PASSWORD,
    )
    module = live_db.session.scalar(select(Module).where(Module.position == 1))
    units = [u for u in module.units if u.retired_at is None]
    answers = {
        q.id: [n for n, o in enumerate(q.options, 1) if o["correct"]]
        for q in module.quiz.questions
        if q.retired_at is None
    }
    scenario = live_db.session.scalar(
        select(Scenario)
        .where(Scenario.module_id == module.id, Scenario.kind == "solo", Scenario.retired_at.is_(None))
        .order_by(Scenario.position)
    )
    route = _route(scenario.data["nodes"], scenario.data["start"], True)
    user_id, module_id, title, unit_titles = user.id, module.id, module.title, [u.title for u in units]
    live_db.session.commit()

    tab = browse()
    tab.sign_in("learning.browser@example.nhs.uk", PASSWORD)
    tab.goto("/programme")
    assert "Locked" in tab.page.content()
    _click(tab, "link", "Continue")
    for n, unit_title in enumerate(unit_titles):
        assert tab.page.get_by_role("heading", level=1).inner_text() == unit_title
        _click(tab, "button", "Mark as read and continue" if n + 1 < len(units) else "Mark as read")
    assert f"You have read every page of {title}" in tab.page.content()
    _click(tab, "link", "Continue")  # next step: the knowledge check
    for qid, chosen in answers.items():
        for position in chosen:
            tab.page.check(f'input[name="q_{qid}"][value="{position}"]')
    _click(tab, "button", "Submit answers")
    assert "Knowledge check: passed" in tab.page.content()
    assert f"To complete {title} you still need to finish a solo practice scenario" in tab.page.content()
    _click(tab, "link", "Continue")  # next step: solo practice
    _click(tab, "button", "Start the scenario")
    for position in route:
        tab.page.check(f'input[name="choice"][value="{position}"]')
        _click(tab, "button", "Respond")
    assert "Ending:" in tab.page.content() and "Debrief" in tab.page.content()
    _click(tab, "link", f"Back to {title}")
    assert "You completed this module" in tab.page.content()
    tab.goto("/")
    assert "You have completed 1 of" in tab.page.content()

    live_db.session.rollback()  # end the test's read transaction: see what the browser's requests wrote
    progress = live_db.session.scalar(
        select(ModuleProgress).where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
    )
    assert progress.completed_at is not None and progress.units_read == len(units)
