"""The desk's text search on one trigram index: title and text, lower case, searched with LIKE.

The two trigram indexes of 0004 served ILIKE on title and on text: PostgreSQL rechecked ILIKE
on every candidate (case folding each time), and with two indexes and no statistics on the
pattern it read every case of the body instead (186 ms at p95 with 50,000 cases). One index on
the lower-case title and text (a newline between) gives the planner statistics, joins the
body's index in one bitmap, and rechecks a plain LIKE. SQLite searches with LIKE on the same
expression, without an index (none serves LIKE '%words%'): the two plain indexes 0004 built
there of title and text served nothing and cost every write.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEARCHED = "lower(title || ('\n' || text))"
_OLD = ("title", "text")


def upgrade() -> None:
    for column in _OLD:
        op.drop_index(f"ix_cases_{column}_trgm", table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_cases_search_trgm", "cases", [sa.text(f"{_SEARCHED} gin_trgm_ops")],
            postgresql_using="gin",
        )  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_cases_search_trgm", table_name="cases")
    for column in _OLD:
        op.create_index(
            f"ix_cases_{column}_trgm", "cases", [column], unique=False,
            postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
        )  # fmt: skip
