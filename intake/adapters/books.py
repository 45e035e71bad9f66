"""Intake's bookkeeping as plain tables beside the event store, written with the batch's events.

Flood counters, tracking-id claims, the held queue and the duplicate index are indexes, not
history: each is a table in the event store's own database, its rows written by the statements a
batch runs in the transaction of its events and its position (`Batch.also_run`). A unique
constraint settles a race (two reports drawing one tracking id) the way a version check did.
Reads go to the same database directly. An in-memory event store (unit tests) keeps the tables in
an in-memory SQLite database and applies a batch's statements once its events are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ProcessRecorder

from intake.domain.duplicates import Indexed
from intake.domain.held import Waiting
from shared.processing import Statement
from shared.tables import Migrations, PostgresDatabase, chunks, database_of, in_list, read_in

OPEN_REPORTS_LIMIT = 50  # candidates read per report: the most recent in the window
# Index entries kept in memory, slim (`Indexed.slim`: about 0.45 KB each for the load
# generator's reports, against 10 KB whole): the open reports a city's duplicate window holds
# (a city of a million files a few hundred reports a day: about 10,000 in 30 days), so a batch
# never reads and rebuilds an entry it met before, at most about 7 MB however many reports the
# store holds; past the bound the oldest quarter (by when they were met, mostly the window's
# oldest reports) is forgotten, and read again from the table when asked for.
ENTRY_CACHE = 16_384
CHUNK = 256  # keys per statement forgetting activity (written in by `shared.sqltext`, not parsed)
KEYED_AT_ONCE = 16  # keys per read of the index: a text psycopg parses once (< 4,096 chars)

TABLES = (
    "CREATE TABLE IF NOT EXISTS intake_reporter_activity (contact_key TEXT NOT NULL, "
    "report_id TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (contact_key, report_id))",
    "CREATE INDEX IF NOT EXISTS intake_reporter_activity_at "
    "ON intake_reporter_activity (contact_key, at)",
    "CREATE TABLE IF NOT EXISTS intake_tracking_ids (tracking_id TEXT PRIMARY KEY, "
    "report_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS intake_held (report_id TEXT PRIMARY KEY, tracking_id TEXT NOT "
    "NULL, since TEXT NOT NULL, since_at DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL, "
    "possible_duplicate_of TEXT)",
    "CREATE TABLE IF NOT EXISTS intake_open_reports (report_id TEXT PRIMARY KEY, tracking_id "
    "TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, latitude DOUBLE PRECISION, longitude DOUBLE "
    "PRECISION, kelurahan TEXT, words TEXT NOT NULL, grams TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS intake_open_report_keys (key TEXT NOT NULL, report_id TEXT NOT "
    "NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (key, report_id))",
    "CREATE INDEX IF NOT EXISTS intake_open_report_keys_at ON intake_open_report_keys (key, at)",
    "CREATE INDEX IF NOT EXISTS intake_open_report_keys_report "
    "ON intake_open_report_keys (report_id)",
    "CREATE TABLE IF NOT EXISTS intake_migrations (name TEXT PRIMARY KEY)",
)
SEP = "|"  # joins words and trigrams (content words are letters and digits only)
# Each key's most recent open reports in the window (the index on (key, at) read backwards,
# `limit` rows a key), a key's as one row of two arrays; keys without any are left out.
KEYED_AT_ONCE_SQL = (
    "SELECT k.key, q.ats, q.ids FROM unnest(CAST(:keys AS text[])) AS k(key) CROSS JOIN LATERAL "
    "(SELECT array_agg(r.at) AS ats, array_agg(r.report_id) AS ids FROM (SELECT at, report_id "
    "FROM intake_open_report_keys WHERE key = k.key AND at >= :since AND at <= :until "
    "ORDER BY at DESC LIMIT :limit) AS r) AS q WHERE q.ids IS NOT NULL"
)


class SqlBooks:
    """Intake's bookkeeping tables: reads, and the statements that change them."""

    def __init__(self, recorder: ProcessRecorder) -> None:
        self.db, self.in_transaction = database_of(recorder)
        self.db.run([Statement(sql, {}) for sql in TABLES])
        self._entries: dict[str, Indexed] = {}  # index entries read or written, oldest first

    def run(self, statements: Sequence[Statement]) -> None:
        """Run statements in a transaction of their own (migrations)."""
        self.db.run(statements)

    def after_record(self, statements: Sequence[Statement]) -> None:
        """An in-memory store cannot run them in its transaction: run them now."""
        if statements and not self.in_transaction:
            self.db.run(statements)

    # -- flood counters --------------------------------------------------------------------

    def reports_within(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, int]:
        """Each key's count of reports in (since, until] (keys without any left out)."""
        if not keys:
            return {}
        names, params = in_list("k", keys)
        rows = self.db.read(
            "SELECT contact_key, count(*) AS n FROM intake_reporter_activity "
            f"WHERE contact_key IN ({names}) AND at > :since AND at <= :until "
            "GROUP BY contact_key",
            {**params, "since": since.timestamp(), "until": until.timestamp()},
        )
        return {row["contact_key"]: int(row["n"]) for row in rows}

    def activity_within(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, list[float]]:
        """Each key's report moments (epoch seconds) in (since, until], one read for many keys."""
        found: dict[str, list[float]] = {}
        rows = read_in(
            self.db,
            "SELECT contact_key, at FROM intake_reporter_activity "
            "WHERE contact_key {in} AND at > :since AND at <= :until",
            keys,
            {"since": since.timestamp(), "until": until.timestamp()},
        )
        for row in rows:
            found.setdefault(row["contact_key"], []).append(float(row["at"]))
        return found

    def note_report(
        self, key: str, report_id: UUID, at: datetime, horizon: datetime | None
    ) -> list[Statement]:
        """One more report from a contact key; its reports up to the horizon are forgotten."""
        noted = Statement(
            "INSERT INTO intake_reporter_activity (contact_key, report_id, at) "
            "VALUES (:key, :report_id, :at) ON CONFLICT DO NOTHING",
            {"key": key, "report_id": str(report_id), "at": at.timestamp()},
        )
        if horizon is None:
            return [noted]
        forget = Statement(
            "DELETE FROM intake_reporter_activity WHERE contact_key = :key AND at <= :horizon",
            {"key": key, "horizon": horizon.timestamp()},
        )
        return [noted, forget]

    def forget_activity(self, keys: Sequence[str], horizon: datetime) -> list[Statement]:
        """The keys' reports up to the horizon are forgotten (one statement for a batch)."""
        found = []
        for chunk in chunks(keys, CHUNK):
            names, params = in_list("k", chunk)
            found.append(
                Statement(
                    f"DELETE FROM intake_reporter_activity WHERE contact_key IN ({names}) "
                    "AND at <= :horizon",
                    {**params, "horizon": horizon.timestamp()},
                )
            )
        return found

    # -- tracking ids ----------------------------------------------------------------------

    def report_with(self, tracking_id: str) -> UUID | None:
        """The report holding a tracking id."""
        rows = self.db.read(
            "SELECT report_id FROM intake_tracking_ids WHERE tracking_id = :tracking_id",
            {"tracking_id": tracking_id},
        )
        return UUID(rows[0]["report_id"]) if rows else None

    def claim(self, tracking_id: str, report_id: UUID, *, if_new: bool = False) -> Statement:
        """Take a tracking id: a second claim fails the transaction (or, `if_new`, does nothing)."""
        return Statement(
            "INSERT INTO intake_tracking_ids (tracking_id, report_id) VALUES (:t, :r)"
            + (" ON CONFLICT DO NOTHING" if if_new else ""),
            {"t": tracking_id, "r": str(report_id)},
        )

    # -- the held queue --------------------------------------------------------------------

    def held(self, limit: int | None = None, offset: int = 0) -> list[Waiting]:
        """Held reports waiting for the admin, oldest first: `limit` of them (None: all) after
        the first `offset`."""
        page = "" if limit is None else " LIMIT :limit OFFSET :offset"
        rows = self.db.read(
            "SELECT report_id, tracking_id, since, reason, possible_duplicate_of FROM intake_held "
            "ORDER BY since_at, tracking_id" + page,
            {"limit": limit, "offset": offset} if page else {},
        )
        if not page:
            rows = rows[offset:]
        return [Waiting(**{**row, "since": datetime.fromisoformat(row["since"])}) for row in rows]

    def held_count(self) -> int:
        """How many held reports wait for the admin."""
        [row] = self.db.read("SELECT count(*) AS n FROM intake_held", {})
        return int(row["n"])

    def hold(self, waiting: Waiting) -> Statement:
        """A report waits for the admin."""
        return Statement(
            "INSERT INTO intake_held (report_id, tracking_id, since, since_at, reason, "
            "possible_duplicate_of) VALUES (:report_id, :tracking_id, :since, :since_at, "
            ":reason, :possible_duplicate_of) ON CONFLICT DO NOTHING",
            {
                "report_id": waiting.report_id,
                "tracking_id": waiting.tracking_id,
                "since": waiting.since.isoformat(),
                "since_at": waiting.since.timestamp(),
                "reason": waiting.reason,
                "possible_duplicate_of": waiting.possible_duplicate_of,
            },
        )

    def release(self, report_id: UUID | str) -> Statement:
        """The admin decided: the report leaves the queue."""
        return Statement("DELETE FROM intake_held WHERE report_id = :r", {"r": str(report_id)})

    # -- the duplicate index ---------------------------------------------------------------

    def candidates(self, keys: Sequence[str], since: datetime, until: datetime) -> list[Indexed]:
        """Open reports under these keys in [since, until], the most recent first, bounded.

        The ids come from the table every time; an entry's content (words, trigram set) from a
        bounded cache when it was read before: entries never change, they are only removed.
        """
        if not keys:
            return []
        names, params = in_list("k", keys)
        rows = self.db.read(
            f"SELECT report_id FROM intake_open_report_keys WHERE key IN ({names}) "
            "AND at >= :since AND at <= :until ORDER BY at DESC LIMIT :limit",
            {
                **params,
                "since": since.timestamp(),
                "until": until.timestamp(),
                "limit": OPEN_REPORTS_LIMIT,
            },
        )
        ids = list(dict.fromkeys(row["report_id"] for row in rows))
        self._read_entries([i for i in ids if i not in self._entries])
        return [self._entries[i] for i in ids if i in self._entries]

    @property
    def candidate_limit(self) -> int:
        """How many candidates one report reads at most (the most recent in the window)."""
        return OPEN_REPORTS_LIMIT

    def keyed(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, list[tuple[float, str]]]:
        """Each key's open reports in [since, until] as (at, report_id), the most recent first,
        at most `candidate_limit` per key: one read for many keys (a batch's)."""
        bounds = {
            "since": since.timestamp(),
            "until": until.timestamp(),
            "limit": OPEN_REPORTS_LIMIT,
        }
        if isinstance(self.db, PostgresDatabase):
            return self._keyed_at_once(list(dict.fromkeys(keys)), bounds)
        return self._keyed_in_chunks(keys, bounds)

    def _keyed_at_once(
        self, keys: list[str], bounds: dict[str, Any]
    ) -> dict[str, list[tuple[float, str]]]:
        """`keyed` on PostgreSQL: one text for any number of keys, each key's rows in one row
        of two arrays (a batch's 150 keys were 10 reads and 7,000 rows, decoded one by one)."""
        if not keys:
            return {}
        rows = self.db.read(KEYED_AT_ONCE_SQL, {"keys": keys, **bounds})
        return {
            row["key"]: sorted(zip(row["ats"], row["ids"], strict=True), reverse=True)
            for row in rows
        }

    def _keyed_in_chunks(
        self, keys: Sequence[str], bounds: dict[str, Any]
    ) -> dict[str, list[tuple[float, str]]]:
        """`keyed` elsewhere: a union of one bounded read per key, `KEYED_AT_ONCE` keys a read."""
        found: dict[str, list[tuple[float, str]]] = {}
        for chunk in chunks(keys, KEYED_AT_ONCE):
            params = {f"k{i}": key for i, key in enumerate(chunk)}
            per_key = " UNION ALL ".join(
                "SELECT * FROM (SELECT key, report_id, at FROM intake_open_report_keys "
                f"WHERE key = :k{i} AND at >= :since AND at <= :until "
                "ORDER BY at DESC LIMIT :limit) AS q" + str(i)
                for i in range(len(chunk))
            )
            for row in self.db.read(per_key, {**params, **bounds}):
                found.setdefault(row["key"], []).append((float(row["at"]), row["report_id"]))
        for key, rows in found.items():
            found[key] = sorted(set(rows), reverse=True)  # a padded chunk repeats its last key
        return found

    def entries(self, ids: Sequence[str]) -> dict[str, Indexed]:
        """The index entries of these open reports (read once, then kept in a bounded cache)."""
        missing = [i for i in ids if i not in self._entries]  # none, once the cache is warm
        if missing:
            self._read_entries(list(dict.fromkeys(missing)))
        cache = self._entries  # after the read: a full cache is a new dict
        return {i: cache[i] for i in ids if i in cache}

    def _read_entries(self, ids: list[str]) -> None:
        rows = read_in(
            self.db,
            "SELECT report_id, tracking_id, at, latitude, longitude, kelurahan, words, grams "
            "FROM intake_open_reports WHERE report_id {in}",
            ids,
        )
        for row in rows:
            self._remember(_indexed(row))

    def _remember(self, entry: Indexed) -> None:
        self._entries[entry.report_id] = entry.slim()
        if len(self._entries) > ENTRY_CACHE:  # at once, not one by one: a dict's oldest key
            kept = list(self._entries.items())[ENTRY_CACHE // 4 :]  # is slow to find again
            self._entries = dict(kept)

    def index(self, entry: Indexed, keys: Iterable[str]) -> list[Statement]:
        """An open report, under each of its keys."""
        self._remember(entry)
        row = {
            "report_id": entry.report_id,
            "tracking_id": entry.tracking_id,
            "at": entry.at.timestamp(),
            "latitude": entry.latitude,
            "longitude": entry.longitude,
            "kelurahan": entry.kelurahan,
            "words": SEP.join(entry.words),
            "grams": SEP.join(sorted(entry.grams)),
        }
        found = [
            Statement(
                "INSERT INTO intake_open_reports (report_id, tracking_id, at, latitude, "
                "longitude, kelurahan, words, grams) VALUES (:report_id, :tracking_id, :at, "
                ":latitude, :longitude, :kelurahan, :words, :grams) ON CONFLICT DO NOTHING",
                row,
            )
        ]
        found += [
            Statement(
                "INSERT INTO intake_open_report_keys (key, report_id, at) "
                "VALUES (:key, :report_id, :at) ON CONFLICT DO NOTHING",
                {"key": key, "report_id": entry.report_id, "at": row["at"]},
            )
            for key in keys
        ]
        return found

    def unindex(self, report_id: UUID | str) -> list[Statement]:
        """The report is no longer open."""
        params = {"r": str(report_id)}
        self._entries.pop(str(report_id), None)
        return [
            Statement("DELETE FROM intake_open_report_keys WHERE report_id = :r", params),
            Statement("DELETE FROM intake_open_reports WHERE report_id = :r", params),
        ]

    # -- migrations ------------------------------------------------------------------------

    def migrated(self, name: str) -> bool:
        """Whether a migration has run on this database."""
        return Migrations(self.db, "intake_migrations").ran(name)

    def mark_migrated(self, name: str) -> Statement:
        """Note that a migration has run."""
        return Migrations(self.db, "intake_migrations").mark(name)


def _indexed(row: Mapping[str, Any]) -> Indexed:
    return Indexed(
        report_id=row["report_id"],
        tracking_id=row["tracking_id"],
        at=datetime.fromtimestamp(row["at"], UTC),
        words=tuple(row["words"].split(SEP)) if row["words"] else (),
        latitude=row["latitude"],
        longitude=row["longitude"],
        kelurahan=row["kelurahan"],
        grams=frozenset(row["grams"].split(SEP)) if row["grams"] else frozenset(),
    )
