"""course review: who wrote and reviewed each unit, and review comments

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 23:30:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provenance", sa.JSON(), nullable=True))

    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("unit_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "accepted",
                "declined",
                name="comment_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_review_comments_author_id_users")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_review_comments_decided_by_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_review_comments_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comments")),
    )
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_comments_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_comments_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_comments_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_comments_unit_id"))
        batch_op.drop_index(batch_op.f("ix_review_comments_state"))
        batch_op.drop_index(batch_op.f("ix_review_comments_author_id"))

    op.drop_table("review_comments")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("provenance")
