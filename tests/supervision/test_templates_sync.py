"""Syncing the supervision session templates into the database."""

from __future__ import annotations

from tests.content.test_supervision_files import GOOD, S1, SESSION_2
from tests.content.trees import write_valid_tree


def test_sync_stores_and_retires_templates(tmp_path):
    from sqlalchemy import select

    from equiptrain.content.models import SupervisionTemplate
    from equiptrain.content.sync import sync_course
    from equiptrain.extensions import db

    root = write_valid_tree(tmp_path / "course")
    (root / "supervision").mkdir()
    (root / S1).write_text(GOOD, encoding="utf-8")
    (root / "supervision/session-2.md").write_text(SESSION_2, encoding="utf-8")
    report = sync_course(root)
    assert "supervision templates: 2 created" in str(report)
    (root / "supervision/session-2.md").unlink()
    sync_course(root)
    rows = {t.slug: t for t in db.session.scalars(select(SupervisionTemplate))}
    assert rows["first-audit"].retired_at is None and rows["second-review"].retired_at is not None
    assert rows["first-audit"].body_html.startswith("<h2>Agenda</h2>")
