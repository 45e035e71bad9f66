"""Routing's tracking-id index as a plain table beside the event store (issue F3).

Which report a public tracking id names is an index, not history: one row per tracking id in
the event store's own database, written in the transaction of the batch that disposes the
report. The primary key settles a race the way the old aggregate's version check did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import ProcessRecorder

from shared.processing import Statement
from shared.tables import Migrations, database_of, read_in

TABLES = (
    "CREATE TABLE IF NOT EXISTS routing_tracking_ids (tracking_id TEXT PRIMARY KEY, "
    "report_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS routing_migrations (name TEXT PRIMARY KEY)",
)


class SqlTrackingIds:
    """The tracking-id table: reads, and the statements that fill it."""

    def __init__(self, recorder: ProcessRecorder) -> None:
        self.db, self.in_transaction = database_of(recorder)
        self.db.run([Statement(sql, {}) for sql in TABLES])

    def reports_with(self, tracking_ids: Iterable[str]) -> dict[str, UUID]:
        """The report each of these tracking ids names (ids nobody holds left out)."""
        wanted = sorted(set(tracking_ids))
        if not wanted:
            return {}
        rows = read_in(
            self.db,
            "SELECT tracking_id, report_id FROM routing_tracking_ids WHERE tracking_id {in}",
            wanted,
        )
        return {row["tracking_id"]: UUID(row["report_id"]) for row in rows}

    def claim(self, tracking_id: str, report_id: UUID) -> Statement:
        """Index a tracking id (nothing when a replay writes the same pair again)."""
        return Statement(
            "INSERT INTO routing_tracking_ids (tracking_id, report_id) VALUES (:t, :r) "
            "ON CONFLICT DO NOTHING",
            {"t": tracking_id, "r": str(report_id)},
        )

    def run(self, statements: Sequence[Statement]) -> None:
        """Run statements in a transaction of their own (migrations)."""
        self.db.run(statements)

    def after_record(self, statements: Sequence[Statement]) -> None:
        """An in-memory store cannot run them in its transaction: run them now."""
        if statements and not self.in_transaction:
            self.db.run(statements)

    def migrated(self, name: str) -> bool:
        """Whether a migration of this name ran."""
        return Migrations(self.db, "routing_migrations").ran(name)

    def mark_migrated(self, name: str) -> Statement:
        """The statement that notes a migration ran."""
        return Migrations(self.db, "routing_migrations").mark(name)
