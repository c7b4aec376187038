"""the trainer role ends rather than being deleted: trainer_profiles.ended_at (the records stay with the profile)

Revision ID: 1811
Revises: 2211
Create Date: 2026-12-07 05:00:00

"""

from alembic import op
import sqlalchemy as sa
import equiptrain.db


# revision identifiers, used by Alembic.
revision = "1811"
down_revision = "2211"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("trainer_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    # An ended profile would read as a trainer again once the column is gone: end it the old way first (its
    # prepared modules and train-the-trainers record went with it then).
    ended = "SELECT id FROM trainer_profiles WHERE ended_at IS NOT NULL"
    op.execute(f"DELETE FROM trainer_modules WHERE trainer_profile_id IN ({ended})")
    op.execute(f"DELETE FROM trainer_trainings WHERE trainer_profile_id IN ({ended})")
    op.execute("DELETE FROM trainer_profiles WHERE ended_at IS NOT NULL")
    with op.batch_alter_table("trainer_profiles", schema=None) as batch_op:
        batch_op.drop_column("ended_at")
