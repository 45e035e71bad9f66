"""The desk at scale: the officer holding a case, and indexes for filters, order and search.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEARCHED = ("title", "text")
# What the desk's order, count and usual filters read: PostgreSQL answers them from the index.
_COVERED = ["also_codes", "status", "deadline_step", "received_at", "tracking_id", "report_id",
            "assignee", "category", "kecamatan"]  # fmt: skip


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("assignee", sa.String(200), nullable=True))
        batch.create_index(
            "ix_cases_desk", ["skpd_code", "due_at"], unique=False, postgresql_include=_COVERED
        )
        batch.create_index("ix_cases_desk_assignee", ["skpd_code", "assignee"], unique=False)
        shared = sa.text("also_codes <> ''")
        batch.create_index(
            "ix_cases_shared", ["report_id"], unique=False,
            postgresql_where=shared, sqlite_where=shared,
        )  # fmt: skip
    for column in _SEARCHED:
        op.create_index(
            f"ix_cases_{column}_trgm", "cases", [column], unique=False,
            postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
        )  # fmt: skip


def downgrade() -> None:
    for column in _SEARCHED:
        op.drop_index(f"ix_cases_{column}_trgm", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_shared")
        batch.drop_index("ix_cases_desk_assignee")
        batch.drop_index("ix_cases_desk")
        batch.drop_column("assignee")
