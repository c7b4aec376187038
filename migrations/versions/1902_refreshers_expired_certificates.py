"""refreshers, and certificates that expire (renewed by a newer one) rather than being revoked

Revision ID: 1902
Revises: 1901
Create Date: 2026-12-07 02:05:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


revision = "1902"
down_revision = "1901"
branch_labels = None
depends_on = None

OLD = ("valid", "superseded", "revoked")
NEW = ("valid", "superseded", "revoked", "expired")


def _status(values):
    return sa.Enum(*values, name="certificate_status", native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        "refreshers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("opened_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("whole_module", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"], name=op.f("fk_refreshers_module_id_modules")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refreshers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refreshers")),
        sa.UniqueConstraint("user_id", "module_id", "expires_on", name=op.f("uq_refreshers_user_id")),
    )
    with op.batch_alter_table("refreshers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refreshers_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refreshers_module_id"), ["module_id"], unique=False)
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=_status(OLD), type_=_status(NEW), existing_nullable=False)
    with op.batch_alter_table("training_policies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("refresher_whole_module", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("training_policies", schema=None) as batch_op:
        batch_op.drop_column("refresher_whole_module")
    op.execute("UPDATE certificates SET status = 'superseded' WHERE status = 'expired'")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=_status(NEW), type_=_status(OLD), existing_nullable=False)
    with op.batch_alter_table("refreshers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refreshers_module_id"))
        batch_op.drop_index(batch_op.f("ix_refreshers_user_id"))
    op.drop_table("refreshers")
