"""The bookkeeping tables as one batch sees them: the stored rows and the batch's own writes.

A batch's writes run in its transaction, so a later message of the same batch cannot read them
from the database yet; this view remembers them until the batch is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.per_batch import PerBatch
from intake.application.ports import Books
from intake.domain.duplicates import Indexed
from intake.domain.held import Waiting
from shared.processing import Batch, Statement


@dataclass
class _Written:
    """What one batch wrote so far."""

    activity: dict[str, list[datetime]] = field(default_factory=dict)
    horizon: datetime | None = None  # the earliest horizon of the batch's counters
    claims: dict[str, UUID] = field(default_factory=dict)
    indexed: dict[str, list[tuple[int, Indexed]]] = field(default_factory=dict)  # by key
    entries: int = 0  # how many the batch indexed (their order, across keys)
    unindexed: set[str] = field(default_factory=set)
    # read ahead for the whole batch (see `read_ahead`): the stored rows, as of the batch's start
    stored_activity: dict[str, list[float]] = field(default_factory=dict)
    activity_span: tuple[float, float] | None = None
    stored_keys: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    keys_span: tuple[float, float] | None = None


def run_in(batch: ProcessingEvent[UUID], statements: list[Statement]) -> None:
    """Run statements in the batch's transaction (intake writes its tables only within a Batch)."""
    if not isinstance(batch, Batch):
        raise TypeError("intake records its tables only within a Batch")
    for statement in statements:
        batch.also_run(*statement)


class BatchBooks:
    """Reads and writes of the bookkeeping tables within a batch."""

    def __init__(self, books: Books) -> None:
        self.books = books
        self._written = PerBatch(_Written)

    def _of(self, batch: ProcessingEvent[UUID]) -> _Written:
        return self._written.of(batch)

    def read_ahead(
        self,
        batch: ProcessingEvent[UUID],
        activity: Iterable[tuple[str, datetime, datetime]],
        searches: Iterable[tuple[str, datetime, datetime]],
    ) -> None:
        """Read the rows a batch's messages will ask for in one query per table: the contact
        keys' reports, and the duplicate index's keys, each `(key, since, until)`."""
        written = self._of(batch)
        wanted = list(activity)
        if wanted:
            since, until = min(w[1] for w in wanted), max(w[2] for w in wanted)
            keys = list(dict.fromkeys(w[0] for w in wanted))
            written.stored_activity = self.books.activity_within(keys, since, until)
            written.activity_span = (since.timestamp(), until.timestamp())
            for key in keys:
                written.stored_activity.setdefault(key, [])
        wanted = list(searches)
        if wanted:
            since, until = min(w[1] for w in wanted), max(w[2] for w in wanted)
            keys = list(dict.fromkeys(w[0] for w in wanted))
            found = self.books.keyed(keys, since, until)
            written.stored_keys = {key: found.get(key, []) for key in keys}
            written.keys_span = (since.timestamp(), until.timestamp())
            self.books.entries([i for rows in found.values() for _, i in rows])

    def busiest(
        self, batch: ProcessingEvent[UUID], keys: list[str], since: datetime, until: datetime
    ) -> int:
        """The busiest contact key's count of reports in (since, until]."""
        written = self._of(batch)
        counts = self._stored_counts(written, keys, since, until)
        if counts is None:
            counts = self.books.reports_within(keys, since, until)
        for key in keys:
            noted = sum(1 for at in written.activity.get(key, ()) if since < at <= until)
            counts[key] = counts.get(key, 0) + noted
        return max(counts.values(), default=0)

    @staticmethod
    def _stored_counts(
        written: _Written, keys: list[str], since: datetime, until: datetime
    ) -> dict[str, int] | None:
        """The counts from the rows read ahead; None when they do not cover the question."""
        span, stored = written.activity_span, written.stored_activity
        low, high = since.timestamp(), until.timestamp()
        if span is None or low < span[0] or high > span[1] or not all(k in stored for k in keys):
            return None
        return {k: sum(1 for at in stored[k] if low < at <= high) for k in keys}

    def note_report(
        self,
        batch: ProcessingEvent[UUID],
        key: str,
        report_id: UUID,
        at: datetime,
        horizon: datetime,
    ) -> None:
        """One more report from a contact key; the key's reports up to the horizon are forgotten
        when the batch is recorded (`flush`: one statement for all the batch's keys, up to its
        earliest horizon)."""
        written = self._of(batch)
        written.activity.setdefault(key, []).append(at)
        written.horizon = horizon if written.horizon is None else min(written.horizon, horizon)
        run_in(batch, self.books.note_report(key, report_id, at, None))

    def flush(self, batch: ProcessingEvent[UUID]) -> None:
        """The statements a batch runs once, at its end."""
        written = self._of(batch)
        if written.horizon is not None:
            run_in(batch, self.books.forget_activity(list(written.activity), written.horizon))
            written.horizon = None

    def report_with(self, batch: ProcessingEvent[UUID], tracking_id: str) -> UUID | None:
        """The report holding a tracking id (claimed before or in this batch)."""
        return self._of(batch).claims.get(tracking_id) or self.books.report_with(tracking_id)

    def claimed(self, batch: ProcessingEvent[UUID], tracking_id: str) -> bool:
        """Whether this batch has already claimed the id (the table refuses a stored one)."""
        return tracking_id in self._of(batch).claims

    def claim(self, batch: ProcessingEvent[UUID], tracking_id: str, report_id: UUID) -> None:
        """Take a tracking id; a stored claim on it fails the batch's transaction."""
        self._of(batch).claims[tracking_id] = report_id
        run_in(batch, [self.books.claim(tracking_id, report_id)])

    def hold(self, batch: ProcessingEvent[UUID], waiting: Waiting) -> None:
        """A report waits for the admin."""
        run_in(batch, [self.books.hold(waiting)])

    def release(self, batch: ProcessingEvent[UUID], report_id: UUID) -> None:
        """The report leaves the admin's queue."""
        run_in(batch, [self.books.release(report_id)])

    def candidates(
        self, batch: ProcessingEvent[UUID], keys: list[str], since: datetime, until: datetime
    ) -> list[Indexed]:
        """Open reports under these keys in [since, until], this batch's included."""
        written = self._of(batch)
        found = self._stored_candidates(written, keys, since, until)
        if found is None:
            found = self.books.candidates(keys, since, until)
        found += self._indexed_within(written, keys, since, until)
        return [c for c in found if c.report_id not in written.unindexed]

    @staticmethod
    def _indexed_within(
        written: _Written, keys: list[str], since: datetime, until: datetime
    ) -> list[Indexed]:
        """The batch's own entries under these keys in [since, until], in the order indexed."""
        own = {
            n: entry
            for key in keys
            for n, entry in written.indexed.get(key, ())
            if since <= entry.at <= until
        }
        return [own[n] for n in sorted(own)]

    def _stored_candidates(
        self, written: _Written, keys: list[str], since: datetime, until: datetime
    ) -> list[Indexed] | None:
        """`Books.candidates` answered from the rows read ahead: the most recent rows under
        the keys in the window, bounded as one read would be; None when the rows read ahead
        may miss one of those (a key had more rows than were read, older than its last one)."""
        span, stored = written.keys_span, written.stored_keys
        low, high = since.timestamp(), until.timestamp()
        if span is None or low < span[0] or high > span[1] or not all(k in stored for k in keys):
            return None
        limit = self.books.candidate_limit
        rows: list[tuple[float, str]] = []
        for key in keys:
            kept = stored[key]  # the most recent first: mostly all within the bounds
            if not kept or (low <= kept[-1][0] and kept[0][0] <= high):
                rows += kept
            else:
                rows += [row for row in kept if low <= row[0] <= high]
        rows.sort(reverse=True)
        del rows[limit:]
        for key in keys:
            kept = stored[key]
            full = len(kept) >= limit and low <= kept[-1][0]
            if full and (len(rows) < limit or rows[-1][0] < kept[-1][0]):
                return None  # an unread older row of this key might rank
        ids = list(dict.fromkeys(report_id for _, report_id in rows))
        entries = self.books.entries(ids)
        return [entries[i] for i in ids if i in entries]

    def index(self, batch: ProcessingEvent[UUID], entry: Indexed, keys: list[str]) -> None:
        """An open report, a candidate under its keys."""
        written = self._of(batch)
        for key in keys:
            written.indexed.setdefault(key, []).append((written.entries, entry))
        written.entries += 1
        written.unindexed.discard(entry.report_id)
        run_in(batch, self.books.index(entry, keys))

    def unindex(self, batch: ProcessingEvent[UUID], report_id: UUID) -> None:
        """The report is no longer open."""
        self._of(batch).unindexed.add(str(report_id))
        run_in(batch, self.books.unindex(report_id))
