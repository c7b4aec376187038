"""certificate PDFs made once and stored; calendar UIDs and the organisation's training address

Revision ID: 2201
Revises: 2101
Create Date: 2026-12-07 02:00:00

"""

import sqlalchemy as sa
from alembic import op

import equiptrain.db

revision = "2201"
down_revision = "2101"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certificate_pdfs",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"], ["certificates.id"], name=op.f("fk_certificate_pdfs_certificate_id_certificates")
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificate_pdfs")),
    )
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_uid", sa.String(length=200), nullable=True))
    # Workshops that exist keep the UIDs their invitations already carry, so an update or a cancellation still
    # reaches the events in people's calendars; new workshops get a UUID at the site's host.
    workshops = sa.table("workshops", sa.column("id", sa.Integer), sa.column("calendar_uid", sa.String))
    op.execute(
        workshops.update().values(
            calendar_uid=sa.literal("workshop-") + sa.cast(workshops.c.id, sa.String) + sa.literal("@equiptrain")
        )
    )
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.alter_column("calendar_uid", existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_workshops_calendar_uid"), ["calendar_uid"])
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training_email", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("training_email")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_workshops_calendar_uid"), type_="unique")
        batch_op.drop_column("calendar_uid")
    op.drop_table("certificate_pdfs")
