"""The public record: masked public title and text, moderation (hidden, flags), its acts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.masking import mask_contacts

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOMENT = sa.DateTime(timezone=True)
_CHUNK = 1000

_NEW_CASE_COLUMNS: tuple[sa.Column[object], ...] = (
    sa.Column("public_title", sa.String(200), nullable=False, server_default=""),
    sa.Column("public_text", sa.Text(), nullable=False, server_default=""),
    sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("flags", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("corrected_at", _MOMENT, nullable=True),
    sa.Column("moderated_at", _MOMENT, nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for column in _NEW_CASE_COLUMNS:
            batch.add_column(column)
    op.create_index("ix_cases_public", "cases", ["rahasia", "hidden", "received_at", "tracking_id"])
    op.create_table(
        "moderation_acts",
        sa.Column("report_id", sa.Uuid(), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("at", _MOMENT, nullable=False),
        sa.Column("act", sa.String(20), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
    )
    _mask_existing()


def _mask_existing() -> None:
    """Cases projected before this revision get their masked public title and text."""
    conn = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("report_id", sa.Uuid()),
        sa.column("title", sa.String()),
        sa.column("text", sa.Text()),
        sa.column("public_title", sa.String()),
        sa.column("public_text", sa.Text()),
    )
    rows = conn.execute(sa.select(cases.c.report_id, cases.c.title, cases.c.text)).all()
    for start in range(0, len(rows), _CHUNK):
        conn.execute(
            sa.update(cases)
            .where(cases.c.report_id == sa.bindparam("id"))
            .values(public_title=sa.bindparam("pt"), public_text=sa.bindparam("px")),
            [
                {"id": r.report_id, "pt": mask_contacts(r.title), "px": mask_contacts(r.text)}
                for r in rows[start : start + _CHUNK]
            ],
        )


def downgrade() -> None:
    op.drop_table("moderation_acts")
    op.drop_index("ix_cases_public", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        for column in reversed(_NEW_CASE_COLUMNS):
            batch.drop_column(column.name)
