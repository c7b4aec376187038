"""ModuleProgress as the per-learner, per-module summary: a status and the completion steps done.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), server_default="in progress", nullable=False))
        batch_op.add_column(sa.Column("steps_done", sa.Integer(), server_default="0", nullable=False))
    # Fill both in for the rows already there, from the row and its module's completion rules.
    op.execute("""
        UPDATE module_progress SET
          status = CASE WHEN completed_at IS NOT NULL THEN 'complete' ELSE 'in progress' END,
          steps_done = COALESCE((
            SELECT CASE WHEN m.requires_units THEN module_progress.units_read ELSE 0 END
                 + CASE WHEN m.requires_quiz AND module_progress.quiz_passed_at IS NOT NULL THEN 1 ELSE 0 END
                 + CASE WHEN m.requires_practice AND module_progress.practice_done_at IS NOT NULL THEN 1 ELSE 0 END
                 + CASE WHEN m.requires_reflection AND module_progress.reflection_done_at IS NOT NULL THEN 1 ELSE 0 END
                 + CASE WHEN m.requires_workshop AND module_progress.workshop_done_at IS NOT NULL THEN 1 ELSE 0 END
            FROM modules m WHERE m.id = module_progress.module_id), 0)
    """)


def downgrade():
    with op.batch_alter_table("module_progress", schema=None) as batch_op:
        batch_op.drop_column("steps_done")
        batch_op.drop_column("status")
