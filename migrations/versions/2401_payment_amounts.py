"""lived-experience trainers' payments: the amount paid (in pence), shown to the trainer and exported for finance

Revision ID: 2401
Revises: 2301
Create Date: 2026-12-07 01:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2401"
down_revision = "2301"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("trainer_supports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_pence", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("trainer_supports", schema=None) as batch_op:
        batch_op.drop_column("amount_pence")
