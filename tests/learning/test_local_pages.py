"""Local pages on the learner's side: shown only to the organisation that added them, marked as local; an
overlay removed from the files is retired at the next sync."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from equiptrain.content.models import LocalPage
from equiptrain.content.sync import sync_course
from equiptrain.extensions import db
from tests.content.test_overlays import _overlay
from tests.learning.helpers import sync_small_course


def test_local_pages_show_only_to_their_organisation_marked_local(app, build, client, login, tmp_path):
    root = sync_small_course(tmp_path / "course")
    org = build.org()
    _overlay(root, org.name)
    sync_course(root)
    db.session.commit()
    assert db.session.scalar(select(LocalPage).where(LocalPage.slug == "who-to-call")).organisation_name == org.name
    mine = build.user("learner", team=build.team(org))
    login(mine)
    module_page = client.get("/modules/foundations").get_data(as_text=True)
    assert "From your organisation" in module_page and "Who to call" in module_page
    page = client.get("/modules/foundations/local/who-to-call")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Local" in text and f"Added by {org.name}" in text and "the IG team" in text
    login(build.user("learner"))  # another organisation
    assert "From your organisation" not in client.get("/modules/foundations").get_data(as_text=True)
    assert client.get("/modules/foundations/local/who-to-call").status_code == 404


def test_removing_an_overlay_retires_its_pages(app, build, tmp_path):
    root = sync_small_course(tmp_path / "course")
    _overlay(root, build.org().name)
    sync_course(root)
    shutil.rmtree(root / "local")
    report = sync_course(root)
    assert report.counts["local page"]["retired"] == 1
    assert db.session.scalar(select(LocalPage)).retired_at is not None
