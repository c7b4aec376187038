"""certificates, and the trainer's consent to be named on them

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 23:40:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("achievement", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("hours_individual", sa.Float(), nullable=False),
        sa.Column("hours_participatory", sa.Float(), nullable=False),
        sa.Column("claim", sa.JSON(), nullable=False),
        sa.Column("badge_salt", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "valid",
                "superseded",
                "revoked",
                name="certificate_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("issued_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_certificates_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_certificates_revoked_by_id_users")),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["certificates.id"], name=op.f("fk_certificates_superseded_by_id_certificates")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_certificates_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificates_user_id"), ["user_id"], unique=False)
        # One valid certificate per person and achievement (superseded and revoked ones stay alongside).
        batch_op.create_index(
            "uq_certificates_valid_achievement",
            ["user_id", "achievement"],
            unique=True,
            sqlite_where=sa.text("status = 'valid'"),
            postgresql_where=sa.text("status = 'valid'"),
        )

    with op.batch_alter_table("trainer_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("named_on_certificates", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("trainer_profiles", schema=None) as batch_op:
        batch_op.drop_column("named_on_certificates")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("uq_certificates_valid_achievement")
        batch_op.drop_index(batch_op.f("ix_certificates_user_id"))
        batch_op.drop_index(batch_op.f("ix_certificates_organisation_id"))
    op.drop_table("certificates")
