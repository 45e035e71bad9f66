"""The case read model as first created: cases, timeline, projection_position.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# tables.UTCDateTime only converts on the Python side; the column is a DateTime(timezone=True).
_MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("tracking_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("skpd_code", sa.String(40), nullable=True),
        sa.Column("skpd_name", sa.String(300), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("rahasia", sa.Boolean(), nullable=False),
        sa.Column("anonim", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kecamatan", sa.String(200), nullable=True),
        sa.Column("kelurahan", sa.String(200), nullable=True),
        sa.Column("address", sa.String(500), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("received_at", _MOMENT, nullable=False),
        sa.Column("disposed_at", _MOMENT, nullable=True),
        sa.Column("resolved_at", _MOMENT, nullable=True),
        sa.Column("deadline_step", sa.String(40), nullable=True),
        sa.Column("due_at", _MOMENT, nullable=True),
        sa.Column("warn_at", _MOMENT, nullable=True),
        sa.Column("deadline_warned", sa.Boolean(), nullable=False),
        sa.Column("deadline_missed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("report_id"),
    )
    for column in ("tracking_id", "status", "skpd_code", "due_at", "warn_at"):
        op.create_index(f"ix_cases_{column}", "cases", [column], unique=False)
    op.create_table(
        "timeline",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("at", _MOMENT, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("report_id", "seq"),
    )
    op.create_table(
        "projection_position",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("projection_position")
    op.drop_table("timeline")
    for column in ("tracking_id", "status", "skpd_code", "due_at", "warn_at"):
        op.drop_index(f"ix_cases_{column}", table_name="cases")
    op.drop_table("cases")
