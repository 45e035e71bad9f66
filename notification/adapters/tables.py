"""Notification's indexes as plain tables beside the event store, written with the batch's events.

The agenda (planned sends and retries), the admin's waiting list and digests, the report index
(a report's notifications, the contacts its reporter left, case events parked until those are
known) and the duplicate links are indexes, not history: each is a table in the event store's own
database, its rows written by the statements a batch runs in the transaction of its events and
its position (`Batch.also_run`). A claim on a report's next index version (a unique constraint)
settles a race between a replica parking a case event and one noting the report's contacts.
Reads go to the same database directly; an in-memory event store (unit tests) keeps the tables in
an in-memory SQLite database and applies a batch's statements once its events are recorded.

Every statement keeps one SQL text whatever the batch: the write path (`shared.statements`) runs a
batch's statements of one text together (one `executemany`, or one statement over arrays where
the shape allows), and the driver parses each text once, not a text per batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ProcessRecorder

from notification.domain.indexes import Link, ReportRow, WaitingCase
from shared.processing import Statement
from shared.tables import Migrations, PostgresDatabase, database_of, in_list

TABLES = (
    "CREATE TABLE IF NOT EXISTS notification_agenda (notification_id TEXT PRIMARY KEY, "
    "due DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS notification_agenda_due ON notification_agenda (due)",
    "CREATE TABLE IF NOT EXISTS notification_waiting (tracking_id TEXT PRIMARY KEY, report_id "
    "TEXT NOT NULL, queue TEXT NOT NULL, reason TEXT NOT NULL, since TEXT NOT NULL, since_at "
    "DOUBLE PRECISION NOT NULL, alerted INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS notification_digests (day TEXT PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS notification_reports (tracking_id TEXT PRIMARY KEY, report_id "
    "TEXT NOT NULL, heard INTEGER NOT NULL, contact_kinds TEXT, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notification_report_versions (tracking_id TEXT NOT NULL, "
    "version INTEGER NOT NULL, PRIMARY KEY (tracking_id, version))",
    "CREATE TABLE IF NOT EXISTS notification_report_messages (tracking_id TEXT NOT NULL, "
    "notification_id TEXT NOT NULL, seq INTEGER NOT NULL, "
    "PRIMARY KEY (tracking_id, notification_id))",
    "CREATE TABLE IF NOT EXISTS notification_parked (tracking_id TEXT NOT NULL, event_id TEXT "
    "NOT NULL, seq INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (tracking_id, event_id))",
    "CREATE TABLE IF NOT EXISTS notification_duplicates (original TEXT NOT NULL, tracking_id "
    "TEXT NOT NULL, report_id TEXT NOT NULL, channel TEXT NOT NULL, reporter_ref TEXT NOT NULL, "
    "seq INTEGER NOT NULL, PRIMARY KEY (original, tracking_id))",
    "CREATE TABLE IF NOT EXISTS notification_problems (notification_id TEXT PRIMARY KEY, "
    "status TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notification_migrations (name TEXT PRIMARY KEY)",
)


ADD = (
    "INSERT INTO notification_report_messages (tracking_id, notification_id, seq) "
    "SELECT :t, :n, (SELECT COALESCE(MAX(seq), 0) + 1 FROM notification_report_messages "
    "WHERE tracking_id = :t) WHERE 1 = 1 ON CONFLICT DO NOTHING"
)
MOVE = "DELETE FROM notification_waiting WHERE tracking_id = :t"
CHUNK = 500  # keys per query of a batch read (SQLite binds at most 999 on old builds)


def _chunks(keys: Sequence[str]) -> list[Sequence[str]]:
    return [keys[i : i + CHUNK] for i in range(0, len(keys), CHUNK)]


def _next_seq(table: str, where: str) -> str:
    """The row's place after the rows already there (a subquery: no read before the write)."""
    return f"(SELECT COALESCE(MAX(seq), 0) + 1 FROM {table} WHERE {where})"


class SqlIndexes:
    """Notification's index tables: reads, and the statements that change them."""

    def __init__(self, recorder: ProcessRecorder) -> None:
        self.db, self.in_transaction = database_of(recorder)
        self.db.run([Statement(sql, {}) for sql in TABLES])

    def run(self, statements: Sequence[Statement]) -> None:
        """Run statements in a transaction of their own (migrations)."""
        self.db.run(statements)

    def after_record(self, statements: Sequence[Statement]) -> None:
        """An in-memory store cannot run them in its transaction: run them now."""
        if statements and not self.in_transaction:
            self.db.run(statements)

    # -- the agenda ------------------------------------------------------------------------

    def due_by(self, now: datetime) -> list[UUID]:
        """The planned notifications whose time has come, earliest first."""
        rows = self.db.read(
            "SELECT notification_id FROM notification_agenda WHERE due <= :now "
            "ORDER BY due, notification_id",
            {"now": now.timestamp()},
        )
        return [UUID(row["notification_id"]) for row in rows]

    def plan(self, notification_id: UUID, due_at: datetime) -> Statement:
        """Send a notification at `due_at` (a later plan replaces an earlier one)."""
        return Statement(
            "INSERT INTO notification_agenda (notification_id, due) VALUES (:n, :due) "
            "ON CONFLICT (notification_id) DO UPDATE SET due = excluded.due",
            {"n": str(notification_id), "due": due_at.timestamp()},
        )

    def done(self, notification_id: UUID) -> Statement:
        """The notification went out (or never will): off the agenda."""
        return Statement(
            "DELETE FROM notification_agenda WHERE notification_id = :n",
            {"n": str(notification_id)},
        )

    # -- the admin's waiting list ----------------------------------------------------------

    def waiting(self) -> list[WaitingCase]:
        """The reports waiting for the admin."""
        return self._waiting("", None)

    def _waiting(self, where: str, cutoff: float | None) -> list[WaitingCase]:
        rows = self.db.read(
            "SELECT tracking_id, report_id, queue, reason, since, alerted "
            f"FROM notification_waiting {where}ORDER BY tracking_id",
            {} if cutoff is None else {"cutoff": cutoff},
        )
        return [
            WaitingCase(
                tracking_id=row["tracking_id"],
                report_id=UUID(row["report_id"]),
                queue=row["queue"],
                reason=row["reason"],
                since=datetime.fromisoformat(row["since"]),
                alerted=bool(row["alerted"]),
            )
            for row in rows
        ]

    def waiting_since(self, cutoff: datetime) -> list[WaitingCase]:
        """The reports waiting since `cutoff` or before whose admin was not alerted yet."""
        return self._waiting("WHERE alerted = 0 AND since_at <= :cutoff ", cutoff.timestamp())

    def wait(self, case: WaitingCase) -> Statement:
        """A report now waits in a queue (the same queue again changes nothing)."""
        return Statement(
            "INSERT INTO notification_waiting (tracking_id, report_id, queue, reason, since, "
            "since_at, alerted) VALUES (:t, :r, :queue, :reason, :since, :since_at, :alerted) "
            "ON CONFLICT (tracking_id) DO UPDATE SET report_id = excluded.report_id, "
            "queue = excluded.queue, reason = excluded.reason, since = excluded.since, "
            "since_at = excluded.since_at, alerted = excluded.alerted "
            "WHERE notification_waiting.queue <> excluded.queue",
            {
                "t": case.tracking_id,
                "r": str(case.report_id),
                "queue": case.queue,
                "reason": case.reason,
                "since": case.since.isoformat(),
                "since_at": case.since.timestamp(),
                "alerted": int(case.alerted),
            },
        )

    def move(self, tracking_id: str) -> Statement:
        """The report left the admin's queues."""
        return Statement(MOVE, {"t": tracking_id})

    def alerted(self, tracking_id: str) -> Statement:
        """The admin was told at once about this report."""
        return Statement(
            "UPDATE notification_waiting SET alerted = 1 WHERE tracking_id = :t", {"t": tracking_id}
        )

    def digest_sent_on(self, day: str) -> bool:
        """Whether the digest of this day went out."""
        return bool(self.db.read("SELECT day FROM notification_digests WHERE day = :d", {"d": day}))

    def digest_sent(self, day: str) -> Statement:
        """The day's digest went out."""
        return Statement(
            "INSERT INTO notification_digests (day) VALUES (:d) ON CONFLICT DO NOTHING", {"d": day}
        )

    # -- the report index ------------------------------------------------------------------

    def report(self, tracking_id: str) -> ReportRow | None:
        """What is known of a report: its contacts and index version (None: nothing yet)."""
        return self.reports([tracking_id]).get(tracking_id)

    def reports(self, tracking_ids: Sequence[str]) -> dict[str, ReportRow]:
        """The rows of these reports, in one query per few hundred (absent: nothing yet)."""
        select = "SELECT tracking_id, report_id, heard, contact_kinds, version FROM "
        rows = self._rows_in(select + "notification_reports", "tracking_id", tracking_ids)
        return {row["tracking_id"]: _report_row(row) for row in rows}

    def write_report(self, row: ReportRow) -> list[Statement]:
        """The report's row at its next version: a second writer of that version fails."""
        kinds = None if row.contact_kinds is None else json.dumps(row.contact_kinds)
        params = {
            "t": row.tracking_id,
            "r": str(row.report_id),
            "heard": int(row.heard),
            "kinds": kinds,
            "v": row.version,
        }
        return [
            Statement(
                "INSERT INTO notification_report_versions (tracking_id, version) VALUES (:t, :v)",
                params,
            ),
            Statement(
                "INSERT INTO notification_reports (tracking_id, report_id, heard, contact_kinds, "
                "version) VALUES (:t, :r, :heard, :kinds, :v) ON CONFLICT (tracking_id) DO UPDATE "
                "SET heard = excluded.heard, contact_kinds = excluded.contact_kinds, "
                "version = excluded.version",
                params,
            ),
        ]

    def notification_ids(self, tracking_id: str) -> list[UUID]:
        """A report's notifications, oldest first."""
        rows = self.db.read(
            "SELECT notification_id FROM notification_report_messages WHERE tracking_id = :t "
            "ORDER BY seq, notification_id",
            {"t": tracking_id},
        )
        return [UUID(row["notification_id"]) for row in rows]

    def add(self, tracking_id: str, notification_id: UUID) -> Statement:
        """A notification of the report, once however often it is added."""
        return Statement(ADD, {"t": tracking_id, "n": str(notification_id)})

    def parked(self, tracking_id: str) -> list[dict[str, Any]]:
        """The case events waiting for the report's event, in the order they came."""
        return self.parked_of([tracking_id]).get(tracking_id, [])

    def parked_of(self, tracking_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The case events waiting for each of these reports that has any, in the order they
        came (one query per few hundred reports)."""
        select = "SELECT tracking_id, payload FROM notification_parked"
        found: dict[str, list[dict[str, Any]]] = {}
        for row in self._rows_in(select, "tracking_id", tracking_ids, order="tracking_id, seq"):
            found.setdefault(row["tracking_id"], []).append(dict(json.loads(row["payload"])))
        return found

    def park(self, tracking_id: str, payload: dict[str, Any]) -> Statement:
        """A case event waits for the report's event (once, by its event id)."""
        return Statement(
            "INSERT INTO notification_parked (tracking_id, event_id, seq, payload) "
            f"SELECT :t, :e, {_next_seq('notification_parked', 'tracking_id = :t')}, :p "
            "WHERE 1 = 1 ON CONFLICT DO NOTHING",
            {"t": tracking_id, "e": str(payload["event_id"]), "p": json.dumps(payload)},
        )

    def release(self, tracking_id: str) -> Statement:
        """The parked case events were told."""
        return Statement(
            "DELETE FROM notification_parked WHERE tracking_id = :t", {"t": tracking_id}
        )

    # -- duplicate links -------------------------------------------------------------------

    def links(self, original: str) -> list[Link]:
        """The reports linked to an original as duplicates, in the order they were linked."""
        return self.links_of([original]).get(original, [])

    def links_of(self, originals: Sequence[str]) -> dict[str, list[Link]]:
        """The duplicates of each of these originals that has any, in the order linked."""
        select = "SELECT original, tracking_id, report_id, channel, reporter_ref FROM "
        found: dict[str, list[Link]] = {}
        table = select + "notification_duplicates"
        for row in self._rows_in(table, "original", originals, order="original, seq"):
            link = Link(row["tracking_id"], UUID(row["report_id"]), row["channel"],
                        row["reporter_ref"])  # fmt: skip
            found.setdefault(row["original"], []).append(link)
        return found

    def _rows_in(
        self, select: str, column: str, keys: Sequence[str], order: str = ""
    ) -> list[dict[str, Any]]:
        """The rows of `select` whose `column` is one of `keys`: on PostgreSQL in one query over an
        array (one SQL text whatever the number of keys, parsed once by the driver), elsewhere a
        few hundred keys a query."""
        ordered = f" ORDER BY {order}" if order else ""
        if isinstance(self.db, PostgresDatabase):
            return self.db.read(
                f"{select} WHERE {column} = ANY(:keys){ordered}", {"keys": list(keys)}
            )
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(keys):
            names, params = in_list("k", chunk)
            sql = f"{select} WHERE {column} IN ({names}){ordered}"
            rows += self.db.read(sql, params)
        return rows

    def link(self, original: str, link: Link) -> Statement:
        """A report linked to the original (once, by its tracking id)."""
        return Statement(
            "INSERT INTO notification_duplicates (original, tracking_id, report_id, channel, "
            f"reporter_ref, seq) SELECT :o, :t, :r, :c, :ref, "
            f"{_next_seq('notification_duplicates', 'original = :o')} "
            "WHERE 1 = 1 ON CONFLICT DO NOTHING",
            {
                "o": original,
                "t": link.tracking_id,
                "r": str(link.report_id),
                "c": link.channel,
                "ref": link.reporter_ref,
            },
        )

    # -- delivery problems -----------------------------------------------------------------

    def problems(self) -> list[UUID]:
        """The notifications that failed (awaiting a retry) or were given up."""
        rows = self.db.read(
            "SELECT notification_id FROM notification_problems ORDER BY notification_id", {}
        )
        return [UUID(row["notification_id"]) for row in rows]

    def note_problem(self, notification_id: UUID, status: str) -> Statement:
        """A notification failed or was given up."""
        return Statement(
            "INSERT INTO notification_problems (notification_id, status) VALUES (:n, :s) "
            "ON CONFLICT (notification_id) DO UPDATE SET status = excluded.status",
            {"n": str(notification_id), "s": status},
        )

    def clear_problem(self, notification_id: UUID) -> Statement:
        """A failed notification got through after all."""
        return Statement(
            "DELETE FROM notification_problems WHERE notification_id = :n",
            {"n": str(notification_id)},
        )

    # -- migrations ------------------------------------------------------------------------

    def migrated(self, name: str) -> bool:
        """Whether a migration has run on this database."""
        return Migrations(self.db, "notification_migrations").ran(name)

    def mark_migrated(self, name: str) -> Statement:
        """Note that a migration has run."""
        return Migrations(self.db, "notification_migrations").mark(name)


def _report_row(row: dict[str, Any]) -> ReportRow:
    kinds = row["contact_kinds"]
    return ReportRow(
        tracking_id=row["tracking_id"],
        report_id=UUID(row["report_id"]),
        heard=bool(row["heard"]),
        contact_kinds=None if kinds is None else json.loads(kinds),
        version=int(row["version"]),
    )
