"""The table that links photos to reports: beside intake's bookkeeping tables (same database),
written with the report's own events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from intake.adapters.books import SqlBooks
from intake.application.ports import Books
from shared.processing import Statement
from shared.tables import PostgresDatabase, in_list

LINK_TABLES = (
    "CREATE TABLE IF NOT EXISTS intake_report_media (media_id TEXT NOT NULL, report_id TEXT NOT "
    "NULL, rahasia INTEGER NOT NULL, looked_at DOUBLE PRECISION, PRIMARY KEY (media_id, "
    "report_id))",
    "CREATE INDEX IF NOT EXISTS intake_report_media_report ON intake_report_media (report_id)",
)
# Moderation (hidden, and the moment of the act that set it) came later: added once, old rows
# read as not hidden. SQLite has no `ADD COLUMN IF NOT EXISTS`; the migration mark guards it.
MODERATION = "photo-moderation-columns"
MODERATION_COLUMNS = (
    "ALTER TABLE intake_report_media ADD COLUMN {} hidden INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE intake_report_media ADD COLUMN {} moderated_at DOUBLE PRECISION",
)


def _owner_flags(row: dict[str, Any]) -> tuple[bool, bool, bool]:
    """rahasia, looked at, hidden."""
    return bool(row["rahasia"]), row["looked_at"] is not None, bool(row["hidden"])


class SqlMediaLinks:
    """Which reports carry which photo, beside the bookkeeping tables (same database)."""

    def __init__(self, books: Books) -> None:
        if not isinstance(books, SqlBooks):
            raise TypeError("the links table lives in the database of SqlBooks")
        self._db = books.db
        self._db.run([Statement(sql, {}) for sql in LINK_TABLES])
        if not books.migrated(MODERATION):
            guard = "IF NOT EXISTS" if isinstance(self._db, PostgresDatabase) else ""
            added = [Statement(sql.format(guard), {}) for sql in MODERATION_COLUMNS]
            books.run([*added, books.mark_migrated(MODERATION)])

    def link(self, media_id: str, report_id: UUID, rahasia: bool) -> Statement:
        return Statement(
            "INSERT INTO intake_report_media (media_id, report_id, rahasia) "
            "VALUES (:m, :r, :rahasia) ON CONFLICT DO NOTHING",
            {"m": media_id, "r": str(report_id), "rahasia": int(rahasia)},
        )

    def looked_at(self, report_id: UUID, at: datetime) -> Statement:
        return Statement(
            "UPDATE intake_report_media SET looked_at = :at "
            "WHERE report_id = :r AND looked_at IS NULL",
            {"r": str(report_id), "at": at.timestamp()},
        )

    def moderated(self, report_id: UUID, hidden: bool, at: datetime) -> Statement:
        """Hidden or shown again; an act older than the last one applied changes nothing, so a
        replay (or a late re-delivery) cannot undo a newer act."""
        return Statement(
            "UPDATE intake_report_media SET hidden = :hidden, moderated_at = :at "
            "WHERE report_id = :r AND (moderated_at IS NULL OR moderated_at <= :at)",
            {"r": str(report_id), "hidden": int(hidden), "at": at.timestamp()},
        )

    def owners(self, media_id: str) -> list[tuple[UUID, bool, bool, bool]]:
        rows: list[dict[str, Any]] = self._db.read(
            "SELECT report_id, rahasia, looked_at, hidden FROM intake_report_media "
            "WHERE media_id = :m",
            {"m": media_id},
        )
        return [(UUID(r["report_id"]), *_owner_flags(r)) for r in rows]

    def referenced(self, media_ids: Sequence[str]) -> set[str]:
        """Which of these photos a recorded report carries."""
        if not media_ids:
            return set()
        marks, params = in_list("m", media_ids)
        rows = self._db.read(
            f"SELECT DISTINCT media_id FROM intake_report_media WHERE media_id IN ({marks})",
            params,
        )
        return {row["media_id"] for row in rows}
