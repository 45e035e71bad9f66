"""Routing's triage queue as a plain table beside the event store (issue J).

One row per report awaiting the admin, written by the statements a batch (or the admin's hand
disposition) runs in the transaction of its Disposition events. The admin's list reads one page
in SQL, oldest first, and a count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from shared.processing import Statement
from shared.tables import Database

TABLES = (
    "CREATE TABLE IF NOT EXISTS routing_triage (report_id TEXT PRIMARY KEY, tracking_id TEXT "
    "NOT NULL, title TEXT NOT NULL, excerpt TEXT NOT NULL, reason TEXT NOT NULL, candidates "
    "TEXT NOT NULL, since TEXT NOT NULL, since_at DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS routing_triage_since ON routing_triage (since_at, tracking_id)",
)
COLUMNS = ("report_id", "tracking_id", "title", "excerpt", "reason", "candidates", "since")


class SqlTriage:
    """The triage table: a page and a count, and the statements that change it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.db.run([Statement(sql, {}) for sql in TABLES])

    def rows(self, limit: int | None, offset: int) -> list[dict[str, Any]]:
        """Rows oldest first: `limit` of them (None: all) after the first `offset`."""
        page = "" if limit is None else " LIMIT :limit OFFSET :offset"
        rows = self.db.read(
            f"SELECT {', '.join(COLUMNS)} FROM routing_triage ORDER BY since_at, tracking_id"
            + page,
            {"limit": limit, "offset": offset} if page else {},
        )
        return rows if page else rows[offset:]

    def count(self) -> int:
        """How many reports await triage."""
        [row] = self.db.read("SELECT count(*) AS n FROM routing_triage", {})
        return int(row["n"])

    def enter(self, row: Mapping[str, Any]) -> Statement:
        """A report awaits the admin (again: its row replaced)."""
        names = ", ".join(COLUMNS)
        values = ", ".join(f":{c}" for c in (*COLUMNS, "since_at"))
        update = ", ".join(f"{c} = excluded.{c}" for c in (*COLUMNS[1:], "since_at"))
        return Statement(
            f"INSERT INTO routing_triage ({names}, since_at) VALUES ({values}) "
            f"ON CONFLICT (report_id) DO UPDATE SET {update}",
            dict(row),
        )

    def leave(self, report_id: UUID) -> Statement:
        """The report left triage (disposed, or escalated to a body)."""
        return Statement("DELETE FROM routing_triage WHERE report_id = :r", {"r": str(report_id)})

    def clear(self) -> Statement:
        """Every row away (before a migration writes the queue anew)."""
        return Statement("DELETE FROM routing_triage", {})
