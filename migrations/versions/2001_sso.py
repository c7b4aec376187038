"""single sign-on: OpenID Connect providers per organisation, identities, provider sessions, sign-in settings

Revision ID: 2001
Revises: 1902
Create Date: 2026-12-07 01:45:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "2001"
down_revision = "1902"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sso_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_method", sa.String(length=30), nullable=False),
        sa.Column("client_secret", sa.String(length=500), nullable=True),
        sa.Column("key_file", sa.String(length=100), nullable=True),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("email_claim", sa.String(length=30), nullable=False),
        sa.Column("tenant_id", sa.String(length=100), nullable=True),
        sa.Column("groups_claim", sa.String(length=50), nullable=False),
        sa.Column("required_group", sa.String(length=200), nullable=True),
        sa.Column("group_mappings", sa.JSON(), nullable=False),
        sa.Column("trust_email", sa.Boolean(), nullable=False),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_sso_providers_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_providers")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_sso_providers_organisation_id")),
    )
    with op.batch_alter_table("sso_providers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_providers_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sso_providers_issuer"), ["issuer"], unique=False)

    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sso_providers.id"],
            name=op.f("fk_sso_identities_provider_id_sso_providers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sso_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_sso_identities_issuer")),
        sa.UniqueConstraint("user_id", "issuer", name=op.f("uq_sso_identities_user_id")),
    )
    with op.batch_alter_table("sso_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_identities_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sso_sign_ins",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("sid", sa.String(length=255), nullable=True),
        sa.Column("id_token", sa.Text(), nullable=False),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sso_providers.id"],
            name=op.f("fk_sso_sign_ins_provider_id_sso_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_sessions.id"],
            name=op.f("fk_sso_sign_ins_session_id_user_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sso_sign_ins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_sso_sign_ins")),
    )
    with op.batch_alter_table("sso_sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_sign_ins_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sso_sign_ins_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sso_sign_ins_sid"), ["sid"], unique=False)

    op.create_table(
        "sso_settings",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("create_accounts", sa.Boolean(), nullable=False),
        sa.Column("password_sign_in", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_sso_settings_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_sso_settings")),
    )


def downgrade():
    op.drop_table("sso_settings")
    with op.batch_alter_table("sso_sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_sign_ins_sid"))
        batch_op.drop_index(batch_op.f("ix_sso_sign_ins_user_id"))
        batch_op.drop_index(batch_op.f("ix_sso_sign_ins_provider_id"))
    op.drop_table("sso_sign_ins")
    with op.batch_alter_table("sso_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_identities_user_id"))
    op.drop_table("sso_identities")
    with op.batch_alter_table("sso_providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_providers_issuer"))
        batch_op.drop_index(batch_op.f("ix_sso_providers_organisation_id"))
    op.drop_table("sso_providers")
