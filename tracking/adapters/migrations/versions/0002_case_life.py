"""The whole case life: bodies sharing a case, reply window, escalation, history, quarantine.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOMENT = sa.DateTime(timezone=True)

_NEW_CASE_COLUMNS: tuple[sa.Column[object], ...] = (
    sa.Column("also_codes", sa.String(400), nullable=False, server_default=""),
    sa.Column("category", sa.String(40), nullable=True),
    sa.Column("attachments", sa.Text(), nullable=False, server_default="[]"),
    sa.Column("first_follow_up_at", _MOMENT, nullable=True),
    sa.Column("closed_at", _MOMENT, nullable=True),
    sa.Column("resolved_on_time", sa.Boolean(), nullable=True),
    sa.Column("resolution_days", sa.Integer(), nullable=True),
    sa.Column("rating", sa.Integer(), nullable=True),
    sa.Column("escalations", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("escalate_at", _MOMENT, nullable=True),
    sa.Column("deadline_escalated", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("reply_due_at", _MOMENT, nullable=True),
    sa.Column("reply_warn_at", _MOMENT, nullable=True),
    sa.Column("reply_warned", sa.Boolean(), nullable=False, server_default=sa.false()),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for column in _NEW_CASE_COLUMNS:
            batch.add_column(column.copy())
        batch.create_index("ix_cases_reply_due_at", ["reply_due_at"], unique=False)
    op.create_table(
        "case_history",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", _MOMENT, nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("skpd_code", sa.String(40), nullable=True),
        sa.Column("skpd_name", sa.String(300), nullable=True),
        sa.Column("deadline_step", sa.String(40), nullable=True),
        sa.Column("due_at", _MOMENT, nullable=True),
        sa.Column("disposed_at", _MOMENT, nullable=True),
        sa.Column("first_follow_up_at", _MOMENT, nullable=True),
        sa.Column("resolved_at", _MOMENT, nullable=True),
        sa.Column("resolved_on_time", sa.Boolean(), nullable=True),
        sa.Column("closed_at", _MOMENT, nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "seq"),
    )
    op.create_index("ix_case_history_at", "case_history", ["at"], unique=False)
    op.create_table(
        "projection_quarantine",
        sa.Column("projection", sa.String(100), nullable=False),
        sa.Column("notification_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("projection", "notification_id"),
    )


def downgrade() -> None:
    op.drop_table("projection_quarantine")
    op.drop_index("ix_case_history_at", table_name="case_history")
    op.drop_table("case_history")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_reply_due_at")
        for column in reversed(_NEW_CASE_COLUMNS):
            batch.drop_column(column.name)
