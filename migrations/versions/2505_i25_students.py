"""students on placement: the university and the end of the placement on the person

Revision ID: 2505
Revises: 2504
Create Date: 2026-12-07 02:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2505"
down_revision = "2504"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("university", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("placement_ends_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("placement_ends_on")
        batch_op.drop_column("university")
