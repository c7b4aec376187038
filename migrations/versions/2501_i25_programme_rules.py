"""programme-wide rules from programme.yaml (how many supervision sessions count)

Revision ID: 2501
Revises: 2401
Create Date: 2026-12-07 01:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2501"
down_revision = "2401"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_column("rules")
