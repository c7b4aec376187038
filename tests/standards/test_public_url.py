"""PUBLIC_URL: `equiptrain serve` links to the address it serves on when none is set; production refuses to start
without one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from equiptrain import cli, create_app
from equiptrain.config import ConfigurationError


def _serve(monkeypatch, tmp_path, *args, **config):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/s.db", "SECRET_KEY": "x" * 32, **config})
    started = []

    class Server:
        def __init__(self, app, options):
            started.append(options)

        def run(self):
            started.append("ran")

    monkeypatch.setattr("equiptrain.server.EmbeddedServer", Server)
    monkeypatch.setattr(cli, "upgrade_database", lambda: None)
    monkeypatch.setattr(cli, "database_is_empty", lambda: False)
    monkeypatch.setattr(cli, "SERVE_PREPARATIONS", [])
    result = CliRunner().invoke(cli.main, ["serve", *args], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert started[-1] == "ran"
    return app, result.output


def test_serve_links_to_the_address_it_serves_on(monkeypatch, tmp_path):
    app, output = _serve(monkeypatch, tmp_path, "--port", "23456")
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:23456"
    assert "http://127.0.0.1:23456" in output
    with app.test_request_context():
        from equiptrain.certificates import badges

        assert badges.image_url() == "http://127.0.0.1:23456/badges/badge.svg"


def test_serve_keeps_a_configured_public_url(monkeypatch, tmp_path):
    app, _ = _serve(monkeypatch, tmp_path, "--port", "23457", PUBLIC_URL="https://equip.example.nhs.uk/")
    assert app.config["PUBLIC_URL"] == "https://equip.example.nhs.uk"


def test_production_without_public_url_refuses_to_start(tmp_path):
    with pytest.raises(ConfigurationError, match="EQUIPTRAIN_PUBLIC_URL is not set"):
        create_app({"PRODUCTION": True, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "SECRET_KEY": "x" * 32})
    app = create_app(
        {
            "PRODUCTION": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
            "SECRET_KEY": "x" * 32,
            "PUBLIC_URL": "https://equip.example.nhs.uk",
        }
    )
    assert app.config["PUBLIC_URL"] == "https://equip.example.nhs.uk"
