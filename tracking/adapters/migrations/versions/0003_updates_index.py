"""The public updates' index: timeline lines by moment (Open311's servicerequestupdates).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_timeline_at", "timeline", ["at", "report_id", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_timeline_at", table_name="timeline")
