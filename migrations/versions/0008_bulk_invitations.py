"""bulk invitations: an import's invitations, sent in the background in batches

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:20:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bulk_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_bulk_invitations_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_bulk_invitations_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_invitations")),
    )
    with op.batch_alter_table("bulk_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulk_invitations_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("bulk_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_invitations_organisation_id"))
    op.drop_table("bulk_invitations")
