"""local content: an organisation's own pages added to a module (course_content/local/)

Revision ID: 2504
Revises: 2503
Create Date: 2026-12-07 02:05:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "2504"
down_revision = "2503"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "local_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("module_slug", sa.String(length=80), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("review_by", sa.String(length=7), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("retired_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_pages")),
        sa.UniqueConstraint("organisation_name", "module_slug", "slug", name=op.f("uq_local_pages_organisation_name")),
    )
    with op.batch_alter_table("local_pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_local_pages_organisation_name"), ["organisation_name"], unique=False)


def downgrade():
    with op.batch_alter_table("local_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_local_pages_organisation_name"))
    op.drop_table("local_pages")
