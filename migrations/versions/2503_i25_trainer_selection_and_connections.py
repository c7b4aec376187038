"""lived-experience trainers' selection records and declared connections with teams

Revision ID: 2503
Revises: 2502
Create Date: 2026-12-07 02:00:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "2503"
down_revision = "2502"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trainer_selection_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recruited_how", sa.Text(), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("training", sa.Text(), nullable=False),
        sa.Column("support_agreed", sa.Text(), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_trainer_selection_records_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_trainer_selection_records_updated_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_trainer_selection_records_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_selection_records")),
        sa.UniqueConstraint("user_id", name=op.f("uq_trainer_selection_records_user_id")),
    )
    with op.batch_alter_table("trainer_selection_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trainer_selection_records_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "trainer_declared_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("declared_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_trainer_declared_connections_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["users.id"], name=op.f("fk_trainer_declared_connections_trainer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_declared_connections")),
        sa.UniqueConstraint("trainer_id", "team_id", name=op.f("uq_trainer_declared_connections_trainer_id")),
    )
    with op.batch_alter_table("trainer_declared_connections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainer_declared_connections_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trainer_declared_connections_trainer_id"), ["trainer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("trainer_declared_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainer_declared_connections_trainer_id"))
        batch_op.drop_index(batch_op.f("ix_trainer_declared_connections_team_id"))
    op.drop_table("trainer_declared_connections")
    with op.batch_alter_table("trainer_selection_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainer_selection_records_organisation_id"))
    op.drop_table("trainer_selection_records")
