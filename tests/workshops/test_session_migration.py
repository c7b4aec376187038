"""The sessions migration turns each existing workshop into one session (time, check-in code, sign-off), moves its
attendances there, and records results for registers already signed off. Run on a throwaway SQLite database."""

from __future__ import annotations

import importlib.util

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from equiptrain import config as config_module
from equiptrain import create_app
from equiptrain.extensions import db
from tests.conftest import _test_config, dispose

MIGRATION = config_module.PROJECT_ROOT / "migrations/versions/0011_workshop_sessions_supervision_and_trainer_rules.py"


def _revisions() -> tuple[str, str]:
    spec = importlib.util.spec_from_file_location("sessions_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.revision, module.down_revision


def test_existing_workshops_become_one_session_each(tmp_path):
    revision, before = _revisions()
    app = create_app(_test_config(tmp_path, f"sqlite:///{tmp_path / 'migrate.db'}"))
    try:
        with app.app_context():
            upgrade(revision=before)
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO organisations (id, name, created_at) VALUES (1, 'O', '2026-01-01')"))
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, name, profession, session_nonce, is_org_admin, "
                        "is_platform_admin, created_at) VALUES "
                        "(1, 'a@x.test', 'A', 'nurse', 'n1', 0, 0, '2026-01-01'), "
                        "(2, 'b@x.test', 'B', 'nurse', 'n2', 0, 0, '2026-01-01')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO workshops (id, organisation_id, title, kind, starts_at, ends_at, capacity, "
                        "status, sequence, checkin_code, checkin_open, signed_off_at, created_at) VALUES "
                        "(1, 1, 'Past', 'core', '2026-01-05 09:00:00', '2026-01-05 16:00:00', 10, 'published', 0, "
                        "'ABC234', 0, '2026-01-05 17:00:00', '2026-01-01'), "
                        "(2, 1, 'Next', 'core', '2026-03-05 09:00:00', '2026-03-05 16:00:00', 10, 'published', 0, "
                        "NULL, 0, NULL, '2026-01-01')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO attendances (workshop_id, user_id, status) VALUES "
                        "(1, 1, 'present'), (1, 2, 'absent')"
                    )
                )
            upgrade(revision=revision)
            with db.engine.connect() as conn:
                sessions = conn.execute(
                    text(
                        "SELECT workshop_id, number, checkin_code, signed_off_at IS NOT NULL "
                        "FROM workshop_sessions ORDER BY workshop_id"
                    )
                ).all()
                moved = conn.execute(
                    text(
                        "SELECT a.user_id, s.workshop_id, s.number FROM attendances a "
                        "JOIN workshop_sessions s ON s.id = a.session_id ORDER BY a.user_id"
                    )
                ).all()
                results = conn.execute(
                    text(
                        "SELECT user_id, sessions_attended, sessions_total, attended "
                        "FROM workshop_results ORDER BY user_id"
                    )
                ).all()
            assert [tuple(r) for r in sessions] == [(1, 1, "ABC234", 1), (2, 1, None, 0)]
            assert [tuple(r) for r in moved] == [(1, 1, 1), (2, 1, 1)]
            assert [tuple(r) for r in results] == [(1, 1, 1, 1), (2, 0, 1, 0)]
            downgrade(revision=before)
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT checkin_code FROM workshops WHERE id = 1")).scalar() == "ABC234"
                assert conn.execute(text("SELECT COUNT(*) FROM attendances")).scalar() == 2
    finally:
        dispose(app)
