"""one word for a module in progress: module_progress.status "in progress" becomes "in_progress" (ProgressStatus)

Revision ID: 1801
Revises: 0013
Create Date: 2026-12-07 02:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1801"
down_revision = "0013"
branch_labels = None
depends_on = None


def _rename(old: str, new: str) -> None:
    op.execute(sa.text("UPDATE module_progress SET status = :new WHERE status = :old").bindparams(old=old, new=new))
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=16), server_default=new)


def upgrade():
    _rename("in progress", "in_progress")


def downgrade():
    _rename("in_progress", "in progress")
