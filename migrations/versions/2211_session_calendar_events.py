"""each workshop session its own calendar event: a stored UID and SEQUENCE per session

Revision ID: 2211
Revises: 1911
Create Date: 2026-12-07 04:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "2211"
down_revision = "1911"
branch_labels = None
depends_on = None


def _uid(workshop_uid: str, number: int) -> str:
    """The UID the session's invitations already carry (the rule of the release before), so updates and
    cancellations still reach the events in people's calendars."""
    if number <= 1:
        return workshop_uid
    local, _, host = workshop_uid.partition("@")
    if local.startswith("workshop-"):
        return f"{local}-session-{number}@{host}"
    return f"{local}-s{number}@{host}"


def upgrade():
    with op.batch_alter_table("workshop_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_uid", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT s.id, s.number, w.calendar_uid, w.sequence FROM workshop_sessions s "
            "JOIN workshops w ON w.id = s.workshop_id"
        )
    ).all()
    for session_id, number, workshop_uid, sequence in rows:
        bind.execute(
            sa.text("UPDATE workshop_sessions SET calendar_uid = :uid, sequence = :seq WHERE id = :id"),
            {"uid": _uid(workshop_uid, number), "seq": sequence or 0, "id": session_id},
        )
    with op.batch_alter_table("workshop_sessions", schema=None) as batch_op:
        batch_op.alter_column("calendar_uid", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("sequence", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_workshop_sessions_calendar_uid"), ["calendar_uid"])


def downgrade():
    with op.batch_alter_table("workshop_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_workshop_sessions_calendar_uid"), type_="unique")
        batch_op.drop_column("sequence")
        batch_op.drop_column("calendar_uid")
