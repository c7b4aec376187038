"""The expiry migration (1911) copies the organisation's one number of months onto each of its mandatory modules and
the core (or, where it had none, its ESR export's number), and its downgrade puts one number back. Run on a
throwaway SQLite database."""

from __future__ import annotations

import datetime as dt

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from equiptrain import create_app
from equiptrain.extensions import db
from tests.conftest import _test_config, dispose

BEFORE, REVISION = "2505", "1911"


def _insert(conn, table: str, values: dict) -> None:
    """A row with `values`, every other required column given a placeholder of its type."""
    row = dict(values)
    for column in inspect(conn).get_columns(table):
        if column["name"] in row or column["nullable"] or column.get("autoincrement") is True:
            continue
        if column["name"] == "id":
            continue
        kind = str(column["type"]).upper()
        if "INT" in kind or "BOOL" in kind or "FLOAT" in kind or "NUMERIC" in kind:
            row[column["name"]] = 0
        elif "DATE" in kind or "TIME" in kind:
            row[column["name"]] = dt.datetime(2026, 1, 1)
        elif "JSON" in kind:
            row[column["name"]] = "{}"
        else:
            row[column["name"]] = f"{column['name']}-{values.get('id', '')}"
    names = ", ".join(f'"{n}"' for n in row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_the_one_number_moves_onto_each_mandatory_module_and_the_core_and_back(tmp_path):
    app = create_app(_test_config(tmp_path, f"sqlite:///{tmp_path / 'migrate.db'}"))
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                for org in (1, 2, 3):
                    _insert(conn, "organisations", {"id": org, "name": f"Org {org}"})
                for module in (1, 2, 3):
                    _insert(conn, "modules", {"id": module, "slug": f"m{module}", "position": module})
                # 1: 24 months for training; 2: none, but its ESR export said 36; 3: nothing expires.
                for org, months in ((1, 24), (2, None), (3, None)):
                    _insert(
                        conn,
                        "training_policies",
                        {"id": org, "organisation_id": org, "refresh_months": months, "core_workshop_mandatory": 1},
                    )
                _insert(conn, "records_settings", {"id": 1, "organisation_id": 2, "expiry_months": 36})
                for org, module in ((1, 1), (1, 2), (2, 3), (3, 1)):
                    _insert(conn, "mandatory_modules", {"organisation_id": org, "module_id": module})
            upgrade(revision=REVISION)
            with db.engine.connect() as conn:
                modules = conn.execute(
                    text("SELECT organisation_id, module_id, expiry_months FROM mandatory_modules ORDER BY 1, 2")
                ).all()
                core = conn.execute(
                    text("SELECT organisation_id, core_expiry_months FROM training_policies ORDER BY 1")
                ).all()
            assert [tuple(r) for r in modules] == [(1, 1, 24), (1, 2, 24), (2, 3, 36), (3, 1, None)]
            assert [tuple(r) for r in core] == [(1, 24), (2, 36), (3, None)]
            with db.engine.begin() as conn:  # after the upgrade, each may differ; a core refresher exists
                conn.execute(text("UPDATE mandatory_modules SET expiry_months = 60 WHERE module_id = 2"))
                _insert(conn, "users", {"id": 1, "email": "a@x.test", "organisation_id": 1, "profession": "nurse"})
                _insert(conn, "refreshers", {"id": 1, "user_id": 1, "core": 1, "expires_on": dt.date(2027, 1, 1)})
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                one = conn.execute(
                    text("SELECT organisation_id, refresh_months FROM training_policies ORDER BY 1")
                ).all()
                esr = conn.execute(text("SELECT expiry_months FROM records_settings")).scalar()
                refreshers = conn.execute(text("SELECT COUNT(*) FROM refreshers")).scalar()
            assert [tuple(r) for r in one] == [(1, 60), (2, 36), (3, None)]  # the longest of each organisation's
            assert esr == 36 and refreshers == 0
    finally:
        dispose(app)
