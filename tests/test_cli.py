"""The equiptrain command: creating people, the demo, and the instance folder."""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from equiptrain.accounts.models import Organisation, User
from equiptrain.cli import main
from equiptrain.config import secret_key_from_instance
from equiptrain.extensions import db


def _run(app, *args):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_users_create_invites_by_default(app, outbox):
    result = _run(
        app,
        "users",
        "create",
        "--name",
        "Kim Li",
        "--email",
        "Kim.Li@Example.NHS.uk",
        "--profession",
        "psychologist",
        "--organisation",
        "Moorside Trust",
        "--admin",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "kim.li@example.nhs.uk"))
    assert user.is_org_admin and user.organisation.name == "Moorside Trust" and user.password_hash is None
    assert [m["Subject"] for m in outbox.to("kim.li@example.nhs.uk")] == ["You are invited to EquipTrain"]


def test_users_create_refuses_a_duplicate_email(app, build):
    existing = build.user()
    result = _run(app, "users", "create", "--name", "Dup", "--email", existing.email.upper())
    assert result.exit_code == 1
    assert "already has an account" in result.output


def test_demo_loads_once(app, no_course):
    first = _run(app, "demo")
    assert first.exit_code == 0, first.output
    orgs = db.session.scalar(select(func.count(Organisation.id)))
    people = db.session.scalar(select(func.count(User.id)))
    assert people >= 25
    second = _run(app, "demo")
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count(Organisation.id))) == orgs
    assert db.session.scalar(select(func.count(User.id))) == people


def test_secret_key_file_is_private(tmp_path: Path):
    key = secret_key_from_instance(tmp_path / "instance")
    path = tmp_path / "instance" / "secret_key"
    assert len(key) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key_from_instance(tmp_path / "instance") == key  # read back, not regenerated
