"""Moves the bookkeeping aggregates of a store written before F3 into the tables, once.

Before F3, flood counters, tracking-id claims, the held queue and the duplicate index were
event-sourced aggregates. Their events stay in the store (history is never rewritten); this reads
them once and writes what they amount to as rows, and notes that it ran.
"""

from __future__ import annotations

from collections.abc import Iterator

from eventsourcing.application import AggregateNotFoundError, Application

from intake.application import ids
from intake.application.dedup import own_keys
from intake.application.ports import Books
from intake.domain.activity import ReporterActivity
from intake.domain.claims import TrackingIdClaim
from intake.domain.duplicates import Indexed, OpenReports
from intake.domain.held import HeldQueue
from shared.processing import Statement
from shared.tables import stored_events

MIGRATION = "f3-bookkeeping-tables"


def migrate_bookkeeping(app: Application, books: Books) -> int:
    """Write the old aggregates' state as rows, unless done before; how many rows were written."""
    if books.migrated(MIGRATION):
        return 0
    statements = [*_claims(app, books), *_activity(app, books), *_held(app, books)]
    statements += _open_reports(app, books)
    books.run([*statements, books.mark_migrated(MIGRATION)])
    return len(statements)


def _claims(app: Application, books: Books) -> Iterator[Statement]:
    for claimed in stored_events(app, TrackingIdClaim, "Claimed"):
        yield books.claim(claimed.tracking_id, claimed.report_id, if_new=True)


def _activity(app: Application, books: Books) -> Iterator[Statement]:
    for noted in stored_events(app, ReporterActivity, "ReportNoted"):
        counter = str(noted.originator_id)  # the old aggregate's id is the counter's key
        yield books.note_report(counter, noted.report_id, noted.at, horizon=None)[0]


def _held(app: Application, books: Books) -> Iterator[Statement]:
    try:
        queue: HeldQueue = app.repository.get(ids.held_queue_id())
    except AggregateNotFoundError:
        return
    yield from (books.hold(waiting) for waiting in queue.oldest_first())


def _open_reports(app: Application, books: Books) -> list[Statement]:
    entries: dict[str, Indexed] = {}
    for started in stored_events(app, OpenReports, "Started"):
        index: OpenReports = app.repository.get(started.originator_id)
        entries.update((entry.report_id, entry) for entry in index.candidates())
    return [s for entry in entries.values() for s in books.index(entry, own_keys(entry))]
