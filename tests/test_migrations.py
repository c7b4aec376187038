"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL alike."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from equiptrain.extensions import db


def test_models_and_migrations_agree(app, _transaction):
    context = MigrationContext.configure(_transaction, opts={"compare_type": True, "render_as_batch": True})
    diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `equiptrain db migrate` and review: {diff}"


def test_sqlite_runs_with_foreign_keys_and_wal(app, _transaction):
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    assert _transaction.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert _transaction.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
