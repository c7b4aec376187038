"""The confidence self-assessment: items from the content tables, before/after answers, the chart and the panel."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from equiptrain.db import utcnow
from equiptrain.extensions import db
from equiptrain.learning.models import ModuleProgress
from equiptrain.reflection import confidence
from equiptrain.reflection.models import ConfidenceResponse
from tests.reflection.helpers import confidence_items, make_module


def _answers(items, value):
    return {f"item_{i.slug}": str(value) for i in items}


def test_answer_before_and_after_and_see_the_change(client, login, build, no_course):
    user, module, items = build.user(), make_module(), confidence_items()
    login(user)
    page = client.get(f"/modules/{module.slug}/confidence/before").get_data(as_text=True)
    assert all(i.text in page for i in items)
    assert client.post(f"/modules/{module.slug}/confidence/before", data=_answers(items, 2)).status_code == 302
    db.session.add(ModuleProgress(user_id=user.id, module_id=module.id, started_at=utcnow(), completed_at=utcnow()))
    db.session.commit()
    assert client.post(f"/modules/{module.slug}/confidence/after", data=_answers(items, 4)).status_code == 302
    rows = db.session.scalars(select(ConfidenceResponse).where(ConfidenceResponse.user_id == user.id)).all()
    assert {r.phase: set(r.answers.values()) for r in rows} == {"before": {2}, "after": {4}}
    page = client.get("/reflection/confidence").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "<desc" in page
    assert "Average confidence before: 2.0; after: 4.0" in page
    assert '<td class="nhsuk-table__cell">+2</td>' in page  # the data table


def test_missing_answers_are_refused_and_the_first_answer_stays(client, login, build):
    user, module, items = build.user(), make_module(), confidence_items()
    login(user)
    partial = _answers(items, 3)
    partial.popitem()
    response = client.post(f"/modules/{module.slug}/confidence/before", data=partial)
    assert response.status_code == 200 and "Choose how confident you feel" in response.get_data(as_text=True)
    client.post(f"/modules/{module.slug}/confidence/before", data=_answers(items, 3))
    client.post(f"/modules/{module.slug}/confidence/before", data=_answers(items, 5))
    [row] = db.session.scalars(select(ConfidenceResponse).where(ConfidenceResponse.user_id == user.id)).all()
    assert set(row.answers.values()) == {3}


def test_out_of_scale_answers_are_refused_by_the_service(build):
    user, module, items = build.user(), make_module(), confidence_items()
    with pytest.raises(confidence.ServiceError):
        confidence.answer(user, module, "before", {i.slug: 9 for i in items})


def test_unknown_phase_or_module_is_404(client, login, build):
    module = make_module()
    login(build.user())
    assert client.get(f"/modules/{module.slug}/confidence/during").status_code == 404
    assert client.get("/modules/no-such-module/confidence/before").status_code == 404


def test_home_panel_lists_questionnaires_waiting(client, login, build):
    user, items = build.user(), confidence_items()
    started, completed, untouched = make_module("Started one"), make_module("Completed one"), make_module("Untouched")
    db.session.add_all(
        [
            ModuleProgress(user_id=user.id, module_id=started.id, started_at=utcnow()),
            ModuleProgress(user_id=user.id, module_id=completed.id, started_at=utcnow(), completed_at=utcnow()),
        ]
    )
    db.session.commit()
    assert [(m.title, p) for m, p in confidence.pending(user)] == [
        ("Started one", "before"),
        ("Completed one", "after"),
    ]
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert f"/modules/{started.slug}/confidence/before" in page
    assert f"/modules/{completed.slug}/confidence/after" in page and untouched.slug not in page
    client.post(f"/modules/{started.slug}/confidence/before", data=_answers(items, 3))
    assert [m.title for m, _ in confidence.pending(user)] == ["Completed one"]


def test_after_waits_for_completion_once_progress_is_recorded(build):
    user, module, items = build.user(), make_module(), confidence_items()
    db.session.add(ModuleProgress(user_id=user.id, module_id=module.id, started_at=utcnow()))
    db.session.commit()
    with pytest.raises(confidence.ServiceError, match="when you have completed"):
        confidence.answer(user, module, "after", {i.slug: 3 for i in items})
