"""the core days as content (course_content/core/day-N.md)

Revision ID: 2502
Revises: 2501
Create Date: 2026-12-07 01:55:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "2502"
down_revision = "2501"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "core_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("modules", sa.JSON(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("retired_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_days")),
        sa.UniqueConstraint("slug", name=op.f("uq_core_days_slug")),
    )


def downgrade():
    op.drop_table("core_days")
