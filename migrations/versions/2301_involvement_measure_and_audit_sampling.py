"""involvement measure (instruments, rounds, anonymous responses); audit sampling and blind double scoring

Revision ID: 2301
Revises: 2201
Create Date: 2026-12-07 01:40:00

"""

from alembic import op
import sqlalchemy as sa

import equiptrain.db


revision = "2301"
down_revision = "2201"
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        "measure_instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("validated", sa.Boolean(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("retired_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "measure_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("instrument_id", sa.Integer(), sa.ForeignKey("measure_instruments.id"), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("kind", _enum("measure_round_kind", "baseline", "follow_up", "other"), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", equiptrain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", equiptrain.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_measure_rounds_team_id", "measure_rounds", ["team_id"])
    op.create_table(
        "measure_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("measure_rounds.id"), nullable=False),
        sa.Column("respondent", _enum("measure_respondent", "service_user", "carer"), nullable=False),
        sa.Column("mode", _enum("measure_response_mode", "phone", "paper"), nullable=False),
        sa.Column("easy_read", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_measure_responses_round_id", "measure_responses", ["round_id"])
    with op.batch_alter_table("audit_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caseload_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sample_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sample_seed", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sample_positions", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("double_share", sa.Integer(), nullable=False, server_default="20"))
    with op.batch_alter_table("audited_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sample_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("second_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_audited_plans_second_of_id", "audited_plans", ["second_of_id"], ["id"])
        batch_op.create_index("ix_audited_plans_second_of_id", ["second_of_id"])


def downgrade():
    with op.batch_alter_table("audited_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_audited_plans_second_of_id")
        batch_op.drop_constraint("fk_audited_plans_second_of_id", type_="foreignkey")
        batch_op.drop_column("second_of_id")
        batch_op.drop_column("sample_position")
    with op.batch_alter_table("audit_rounds", schema=None) as batch_op:
        batch_op.drop_column("double_share")
        batch_op.drop_column("sample_positions")
        batch_op.drop_column("sample_seed")
        batch_op.drop_column("sample_size")
        batch_op.drop_column("caseload_size")
    op.drop_index("ix_measure_responses_round_id", table_name="measure_responses")
    op.drop_table("measure_responses")
    op.drop_index("ix_measure_rounds_team_id", table_name="measure_rounds")
    op.drop_table("measure_rounds")
    op.drop_table("measure_instruments")
