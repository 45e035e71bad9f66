"""The identity vault's tables: keys per reporter, reporters, contacts, look-ups, report access.

Plain tables beside the event store (as `books.py`'s), their rows written by statements a batch
runs in the transaction of its events and its position. A key row is inserted without `ON
CONFLICT`: two writers making a key for one new person at once collide on it, and the loser's
batch is retried (it then reads the winner's key). Erasure deletes the key rows; PostgreSQL then
vacuums the table and SQLite overwrites deleted rows (`secure_delete`), so no copy lingers.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from intake.domain.vault import LookUp, ReporterRow
from shared.processing import Statement
from shared.tables import Database, PostgresDatabase, in_list, read_in

TABLES = (
    "CREATE TABLE IF NOT EXISTS intake_keys (key_id TEXT PRIMARY KEY, key TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS intake_reporters (reporter_ref TEXT PRIMARY KEY, report_id TEXT "
    "NOT NULL, tracking_id TEXT NOT NULL, key_id TEXT NOT NULL, erased_at TEXT)",
    "CREATE INDEX IF NOT EXISTS intake_reporters_key ON intake_reporters (key_id)",
    "CREATE INDEX IF NOT EXISTS intake_reporters_report ON intake_reporters (report_id)",
    "CREATE TABLE IF NOT EXISTS intake_reporter_contacts (contact TEXT NOT NULL, reporter_ref "
    "TEXT NOT NULL, PRIMARY KEY (contact, reporter_ref))",
    "CREATE TABLE IF NOT EXISTS intake_look_ups (reporter_ref TEXT NOT NULL, seq BIGINT NOT "
    "NULL, at TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, outcome TEXT NOT NULL, "
    "reason TEXT, PRIMARY KEY (reporter_ref, seq))",
    "CREATE TABLE IF NOT EXISTS intake_access (report_id TEXT PRIMARY KEY, bodies TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS intake_link_hashes (link_hash TEXT PRIMARY KEY, reporter_ref "
    "TEXT NOT NULL)",
)
SEP = "|"


class VaultRows:
    """Reads of the vault's tables, and the statements that change them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.db.run([Statement(sql, {}) for sql in TABLES])
        self._seq = 0

    # -- keys ------------------------------------------------------------------------------

    def key(self, key_id: str) -> bytes | None:
        """The key, or None once destroyed."""
        rows = self.db.read("SELECT key FROM intake_keys WHERE key_id = :k", {"k": key_id})
        return base64.b64decode(rows[0]["key"]) if rows else None

    def keys(self, key_ids: Sequence[str]) -> dict[str, bytes]:
        """The keys among these ids that exist (one read for a batch's reporters)."""
        rows = read_in(
            self.db,
            "SELECT key_id, key FROM intake_keys WHERE key_id {in}",
            list(dict.fromkeys(key_ids)),
        )
        return {row["key_id"]: base64.b64decode(row["key"]) for row in rows}

    def put_key(self, key_id: str, key: bytes, *, if_new: bool = False) -> Statement:
        """A new key: a second one under the same id fails the transaction (unless `if_new`)."""
        return Statement(
            "INSERT INTO intake_keys (key_id, key) VALUES (:k, :v)"
            + (" ON CONFLICT DO NOTHING" if if_new else ""),
            {"k": key_id, "v": base64.b64encode(key).decode()},
        )

    # -- reporters -------------------------------------------------------------------------

    def reporter(self, reporter_ref: str) -> ReporterRow | None:
        """The reporter row of a reporter_ref."""
        return next(iter(self._reporters("reporter_ref = :r", {"r": reporter_ref})), None)

    def reporter_of_report(self, report_id: str) -> ReporterRow | None:
        """The reporter row of a report."""
        return next(iter(self._reporters("report_id = :r", {"r": report_id})), None)

    def reporters_with_contacts(self, contacts: Sequence[str]) -> list[ReporterRow]:
        """Every reporter that left one of these contacts (digests)."""
        names, params = in_list("c", contacts)
        if not contacts:
            return []
        return self._reporters(
            f"reporter_ref IN (SELECT reporter_ref FROM intake_reporter_contacts "
            f"WHERE contact IN ({names}))",
            params,
        )

    def reporters_with_keys(self, key_ids: Sequence[str]) -> list[ReporterRow]:
        """Every reporter sealed under one of these keys."""
        if not key_ids:
            return []
        names, params = in_list("k", key_ids)
        return self._reporters(f"key_id IN ({names})", params)

    def _reporters(self, where: str, params: dict[str, Any]) -> list[ReporterRow]:
        rows = self.db.read(
            "SELECT reporter_ref, report_id, tracking_id, key_id, erased_at FROM intake_reporters "
            f"WHERE {where} ORDER BY tracking_id",
            params,
        )
        return [
            ReporterRow(**{**row, "erased_at": _when(row["erased_at"])}) for row in rows
        ]  # fmt: skip

    def add_reporter(self, row: ReporterRow, contacts: Sequence[str]) -> list[Statement]:
        """A report's reporter, and the contacts (digests) it left."""
        found = [
            Statement(
                "INSERT INTO intake_reporters (reporter_ref, report_id, tracking_id, key_id, "
                "erased_at) VALUES (:reporter_ref, :report_id, :tracking_id, :key_id, "
                ":erased_at) ON CONFLICT DO NOTHING",
                {
                    "reporter_ref": row.reporter_ref,
                    "report_id": row.report_id,
                    "tracking_id": row.tracking_id,
                    "key_id": row.key_id,
                    "erased_at": row.erased_at.isoformat() if row.erased_at else None,
                },
            )
        ]
        return found + [
            Statement(
                "INSERT INTO intake_reporter_contacts (contact, reporter_ref) VALUES (:c, :r) "
                "ON CONFLICT DO NOTHING",
                {"c": contact, "r": row.reporter_ref},
            )
            for contact in dict.fromkeys(contacts)
        ]

    def erase(self, key_ids: Sequence[str], at: datetime) -> list[Statement]:
        """Destroy these keys; their reporters are erased, their contacts and links forgotten."""
        if not key_ids:
            return []
        names, params = in_list("k", key_ids)
        refs = f"SELECT reporter_ref FROM intake_reporters WHERE key_id IN ({names})"
        scrub = [] if isinstance(self.db, PostgresDatabase) else ["PRAGMA secure_delete = ON"]
        return [
            *(Statement(sql, {}) for sql in scrub),
            Statement(f"DELETE FROM intake_keys WHERE key_id IN ({names})", params),
            Statement(
                f"UPDATE intake_reporters SET erased_at = :at WHERE key_id IN ({names}) "
                "AND erased_at IS NULL",
                {**params, "at": at.isoformat()},
            ),
            Statement(
                f"DELETE FROM intake_reporter_contacts WHERE reporter_ref IN ({refs})", params
            ),
            Statement(f"DELETE FROM intake_link_hashes WHERE reporter_ref IN ({refs})", params),
        ]

    def scrub(self) -> None:
        """After an erasure: PostgreSQL rewrites the key table's pages (no dead copy stays)."""
        if isinstance(self.db, PostgresDatabase):
            self.db.vacuum("intake_keys")

    # -- look-ups --------------------------------------------------------------------------

    def look_ups(self, reporter_ref: str) -> list[LookUp]:
        """Every look-up and refusal of a reporter_ref, oldest first."""
        rows = self.db.read(
            "SELECT at, role, outcome, reason, name FROM intake_look_ups "
            "WHERE reporter_ref = :r ORDER BY seq",
            {"r": reporter_ref},
        )
        return [LookUp(**{**row, "at": datetime.fromisoformat(row["at"])}) for row in rows]

    def note_look_up(self, reporter_ref: str, look_up: LookUp) -> Statement:
        """One more look-up or refusal (append-only)."""
        self._seq = max(self._seq + 1, time.time_ns())
        return Statement(
            "INSERT INTO intake_look_ups (reporter_ref, seq, at, role, name, outcome, reason) "
            "VALUES (:r, :seq, :at, :role, :name, :outcome, :reason) ON CONFLICT DO NOTHING",
            {
                "r": reporter_ref,
                "seq": self._seq,
                "at": look_up.at.isoformat(),
                "role": look_up.role,
                "name": look_up.name,
                "outcome": look_up.outcome,
                "reason": look_up.reason,
            },
        )

    # -- report access ---------------------------------------------------------------------

    def bodies(self, report_id: str) -> tuple[str, ...]:
        """The bodies a report is disposed to."""
        rows = self.db.read(
            "SELECT bodies FROM intake_access WHERE report_id = :r", {"r": report_id}
        )
        return tuple(rows[0]["bodies"].split(SEP)) if rows and rows[0]["bodies"] else ()

    def set_bodies(self, report_id: str, bodies: Sequence[str]) -> Statement:
        """The report is now disposed to these bodies."""
        return Statement(
            "INSERT INTO intake_access (report_id, bodies) VALUES (:r, :b) "
            "ON CONFLICT (report_id) DO UPDATE SET bodies = excluded.bodies",
            {"r": report_id, "b": SEP.join(bodies)},
        )

    # -- status links ----------------------------------------------------------------------

    def link_owner(self, hashed: str) -> str | None:
        """The reporter_ref whose status-link secret has this hash."""
        rows = self.db.read(
            "SELECT reporter_ref FROM intake_link_hashes WHERE link_hash = :h", {"h": hashed}
        )
        return str(rows[0]["reporter_ref"]) if rows else None

    def put_link(self, hashed: str, reporter_ref: str) -> Statement:
        """A status-link secret was handed out: its hash finds the reporter_ref."""
        return Statement(
            "INSERT INTO intake_link_hashes (link_hash, reporter_ref) VALUES (:h, :r) "
            "ON CONFLICT DO NOTHING",
            {"h": hashed, "r": reporter_ref},
        )

    def run(self, statements: Sequence[Statement]) -> None:
        """Run statements in a transaction of their own."""
        self.db.run(statements)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
