"""expiry per mandatory module and for the core (in place of one number for the organisation and another for the
ESR export), and refreshers for the core

The organisation's one `training_policies.refresh_months` is copied onto each of its mandatory modules and the
core; where it had none but its ESR export had `records_settings.expiry_months`, that is copied instead (the
export then shows the same dates as before). Downgrade puts back the longest of an organisation's numbers as the
one number, for both, and deletes core refreshers (the old schema has no place for them).

Revision ID: 1911
Revises: 2505
Create Date: 2026-12-07 04:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1911"
down_revision = "2505"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mandatory_modules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expiry_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("training_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("core_expiry_months", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE training_policies SET refresh_months = (SELECT r.expiry_months FROM records_settings r "
        "WHERE r.organisation_id = training_policies.organisation_id) WHERE refresh_months IS NULL"
    )
    op.execute(
        "UPDATE mandatory_modules SET expiry_months = (SELECT p.refresh_months FROM training_policies p "
        "WHERE p.organisation_id = mandatory_modules.organisation_id)"
    )
    op.execute("UPDATE training_policies SET core_expiry_months = refresh_months")
    with op.batch_alter_table("training_policies", schema=None) as batch_op:
        batch_op.drop_column("refresh_months")
    with op.batch_alter_table("records_settings", schema=None) as batch_op:
        batch_op.drop_column("expiry_months")
    with op.batch_alter_table("refreshers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("core", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column("module_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_refreshers_core_or_module"),
            "(core AND module_id IS NULL) OR (NOT core AND module_id IS NOT NULL)",
        )
        batch_op.create_index(
            "uq_refreshers_core",
            ["user_id", "expires_on"],
            unique=True,
            sqlite_where=sa.text("core"),
            postgresql_where=sa.text("core"),
        )


def downgrade():
    op.execute("DELETE FROM refreshers WHERE core")
    with op.batch_alter_table("refreshers", schema=None) as batch_op:
        batch_op.drop_index("uq_refreshers_core", sqlite_where=sa.text("core"), postgresql_where=sa.text("core"))
        batch_op.drop_constraint(op.f("ck_refreshers_core_or_module"), type_="check")
        batch_op.alter_column("module_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("core")
    with op.batch_alter_table("records_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expiry_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("training_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refresh_months", sa.Integer(), nullable=True))
    longest = (
        "SELECT MAX(n) FROM (SELECT m.expiry_months AS n FROM mandatory_modules m "
        "WHERE m.organisation_id = {table}.organisation_id UNION ALL SELECT p.core_expiry_months FROM "
        "training_policies p WHERE p.organisation_id = {table}.organisation_id) AS months"
    )
    op.execute(f"UPDATE training_policies SET refresh_months = ({longest.format(table='training_policies')})")
    op.execute(f"UPDATE records_settings SET expiry_months = ({longest.format(table='records_settings')})")
    with op.batch_alter_table("training_policies", schema=None) as batch_op:
        batch_op.drop_column("core_expiry_months")
    with op.batch_alter_table("mandatory_modules", schema=None) as batch_op:
        batch_op.drop_column("expiry_months")
