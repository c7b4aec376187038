"""dashboards: mandatory training, deadlines, reminders and the programme-lead role

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 23:30:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_programme_lead", sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        "training_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("joiner_days", sa.Integer(), nullable=True),
        sa.Column("core_workshop_mandatory", sa.Boolean(), nullable=False),
        sa.Column("refresh_months", sa.Integer(), nullable=True),
        sa.Column("updated_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_training_policies_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_training_policies_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_policies")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_training_policies_organisation_id")),
    )
    op.create_table(
        "mandatory_modules",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_mandatory_modules_module_id_modules")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_mandatory_modules_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("organisation_id", "module_id", name=op.f("pk_mandatory_modules")),
    )
    op.create_table(
        "team_deadlines",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("set_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_deadlines_team_id_teams")),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_deadlines")),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], name=op.f("fk_reminders_sent_by_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_reminders_team_id_teams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reminders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminders_user_id"))
        batch_op.drop_index(batch_op.f("ix_reminders_team_id"))
        batch_op.drop_index(batch_op.f("ix_reminders_sent_at"))
    op.drop_table("reminders")
    op.drop_table("team_deadlines")
    op.drop_table("mandatory_modules")
    op.drop_table("training_policies")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("is_programme_lead")
