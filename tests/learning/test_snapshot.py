"""The worker's copy of the course: reused between requests, dropped by a sync, re-checked after a while."""

from __future__ import annotations

import pytest

from equiptrain.content import snapshot
from equiptrain.content.models import Unit
from equiptrain.content.sync import sync_course
from equiptrain.extensions import db


@pytest.fixture
def cached(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONTENT_CACHE_SECONDS", 300)
    snapshot.invalidate()
    yield
    snapshot.invalidate()


def test_snapshot_is_reused_until_a_sync(course, cached, count_queries):
    first = snapshot.current()
    with count_queries() as counted:
        assert snapshot.current() is first
    assert counted.count == 0
    unit_file = sorted(course.glob("modules/01-*/units/*.md"))[0]
    unit_file.write_text(unit_file.read_text() + "\nA sentence added by a trainer.\n")
    sync_course(course)
    fresh = snapshot.current()
    assert fresh is not first
    assert "A sentence added by a trainer." in fresh.modules[0].units[0].body_html


def test_another_workers_sync_is_seen_after_the_cache_period(app, course, cached, monkeypatch):
    first = snapshot.current()
    # Simulate a sync by another process: the rows and the programme key change without this worker knowing.
    unit = db.session.get(Unit, first.modules[0].units[0].id)
    unit.title = "Changed elsewhere"
    from equiptrain.content.models import Programme

    db.session.scalars(db.select(Programme)).first().tree_hash = "0" * 64
    db.session.flush()
    assert snapshot.current() is first  # within the cache period
    monkeypatch.setitem(app.config, "CONTENT_CACHE_SECONDS", 0)
    assert snapshot.current().modules[0].units[0].title == "Changed elsewhere"
