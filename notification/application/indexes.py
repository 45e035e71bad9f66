"""The index tables as one batch sees them: the stored rows and the batch's own writes.

A batch's statements run in the transaction that records it, so a later message of the same batch
cannot read them from the database yet; this view remembers what a later message reads back (a
report's row, duplicate links) until the batch is recorded. The rows a batch's messages will read
are read at its start, in one query per table (`expect`), not one per message.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from eventsourcing.application import ProcessingEvent

from notification.application.ports import Indexes
from notification.domain.indexes import Link, ReportRow, WaitingCase
from shared.processing import Batch, Statement

PE = ProcessingEvent[UUID]


@dataclass
class _Written:
    """What one batch wrote so far that it may read back."""

    reports: dict[str, ReportRow] = field(default_factory=dict)
    links: dict[str, list[Link]] = field(default_factory=dict)
    stored_reports: dict[str, ReportRow | None] = field(default_factory=dict)  # None: no row
    stored_links: dict[str, list[Link]] = field(default_factory=dict)
    stored_parked: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    parked_taken: bool = False


@dataclass(frozen=True)
class Expected:
    """What a batch's messages will read: report rows (by key), the links of originals, and the
    case events parked for reports whose contacts the batch hears of."""

    reports: frozenset[str] = frozenset()
    originals: frozenset[str] = frozenset()
    contacts: frozenset[str] = frozenset()


def _run(pe: PE, *statements: Statement) -> None:
    if not isinstance(pe, Batch):
        raise TypeError("notification writes its tables only within a Batch")
    for statement in statements:
        pe.also_run(*statement)


def report_key(tracking_id: str) -> str:
    """A report's key in the index (tracking ids are read in any case)."""
    return tracking_id.upper()


class BatchIndexes:
    """Reads and writes of the index tables within a batch."""

    def __init__(self, tables: Indexes) -> None:
        self.tables = tables
        self._written: WeakKeyDictionary[PE, _Written] = WeakKeyDictionary()
        self._expected = threading.local()  # the next batch of this thread's reads

    def expect(self, expected: Expected | None) -> None:
        """The next batch this thread starts reads these: read them at its start, at once
        (None: nothing known)."""
        self._expected.value = expected

    def _of(self, pe: PE) -> _Written:
        written = self._written.get(pe)
        if written is None:
            written = self._written[pe] = _Written()
            expected: Expected | None = getattr(self._expected, "value", None)
            self._expected.value = None
            if expected is not None and isinstance(pe, Batch):
                self._read_ahead(written, expected)
        return written

    def _read_ahead(self, written: _Written, expected: Expected) -> None:
        """The links of the moving originals, then the rows of the reports and of those
        duplicates (their reporters are told)."""
        originals = sorted(expected.originals)
        found = self.tables.links_of(originals) if originals else {}
        written.stored_links = {original: found.get(original, []) for original in originals}
        duplicates = {report_key(x.tracking_id) for links in found.values() for x in links}
        keys = sorted(expected.reports | duplicates)
        stored = self.tables.reports(keys) if keys else {}
        written.stored_reports = {key: stored.get(key) for key in keys}
        contacts = sorted(expected.contacts)
        waited = [key for key in contacts if (row := stored.get(key)) is not None and row.version]
        parked = self.tables.parked_of(waited) if waited else {}
        written.stored_parked = {key: parked.get(key, []) for key in waited}

    def parked_ahead(self, pe: PE) -> list[dict[str, Any]]:
        """The case events parked for the reports whose contacts this batch hears of, read at its
        start; given once per batch (to read what telling them needs in one go), then empty."""
        written = self._of(pe)
        if written.parked_taken:
            return []
        written.parked_taken = True
        return [payload for payloads in written.stored_parked.values() for payload in payloads]

    # -- the agenda, the waiting list, delivery problems: never read back within a batch --

    def plan(self, pe: PE, notification_id: UUID, due_at: datetime) -> None:
        """Send a notification at `due_at` (a later plan replaces an earlier one)."""
        _run(pe, self.tables.plan(notification_id, due_at))

    def done(self, pe: PE, notification_id: UUID) -> None:
        """The notification went out (or never will)."""
        _run(pe, self.tables.done(notification_id))

    def wait(self, pe: PE, case: WaitingCase) -> None:
        """A report waits for the admin in a queue."""
        _run(pe, self.tables.wait(case))

    def move(self, pe: PE, tracking_id: str) -> None:
        """The report left the admin's queues."""
        _run(pe, self.tables.move(tracking_id))

    def alerted(self, pe: PE, tracking_id: str) -> None:
        """The admin was told at once about this report."""
        _run(pe, self.tables.alerted(tracking_id))

    def digest_sent(self, pe: PE, day: str) -> None:
        """The day's digest went out."""
        _run(pe, self.tables.digest_sent(day))

    def note_problem(self, pe: PE, notification_id: UUID, status: str) -> None:
        """A notification failed or was given up: on the admin's list of delivery problems."""
        _run(pe, self.tables.note_problem(notification_id, status))

    def clear_problem(self, pe: PE, notification_id: UUID) -> None:
        """A failed notification got through after all: off the list."""
        _run(pe, self.tables.clear_problem(notification_id))

    # -- the report index ------------------------------------------------------------------

    def report(self, pe: PE, tracking_id: str) -> ReportRow | None:
        """What is known of a report, this batch's writes included."""
        key = report_key(tracking_id)
        written = self._of(pe)
        if key in written.reports:
            return written.reports[key]
        if key in written.stored_reports:
            return written.stored_reports[key]
        return self.tables.report(key)

    def note_contacts(
        self, pe: PE, report_id: UUID, tracking_id: str, kinds: list[str] | None
    ) -> list[dict[str, Any]]:
        """The report's event said which contacts were left (None: it did not say); returns the
        case events parked until then, released."""
        key = report_key(tracking_id)
        row = self.report(pe, key) or ReportRow(key, report_id)
        if row.heard and row.contact_kinds == kinds:
            return []
        released = self._parked(pe, key) if row.version else []
        self._write(pe, replace(row, heard=True, contact_kinds=kinds))
        if released:
            _run(pe, self.tables.release(key))
        return released

    def _parked(self, pe: PE, key: str) -> list[dict[str, Any]]:
        stored = self._of(pe).stored_parked.get(key)
        return self.tables.parked(key) if stored is None else stored

    def park(self, pe: PE, report_id: UUID, tracking_id: str, payload: dict[str, Any]) -> None:
        """A case event waits for the report's event."""
        key = report_key(tracking_id)
        row = self.report(pe, key) or ReportRow(key, report_id)
        self._write(pe, row)
        _run(pe, self.tables.park(key, payload))

    def _write(self, pe: PE, row: ReportRow) -> None:
        """The row at its next version: a replica that read the same version fails and retries."""
        written = replace(row, version=row.version + 1)
        self._of(pe).reports[row.tracking_id] = written
        _run(pe, *self.tables.write_report(written))

    def add(self, pe: PE, tracking_id: str, notification_id: UUID) -> None:
        """A notification of the report (once)."""
        _run(pe, self.tables.add(report_key(tracking_id), notification_id))

    # -- duplicate links -------------------------------------------------------------------

    def links(self, pe: PE, original: str) -> list[Link]:
        """The reports linked to an original, this batch's links included."""
        written = self._of(pe)
        stored = written.stored_links.get(original)
        if stored is None:
            stored = self.tables.links(original)
        known = {link.tracking_id for link in stored}
        fresh = [x for x in written.links.get(original, []) if x.tracking_id not in known]
        return stored + fresh

    def link(self, pe: PE, original: str, link: Link) -> None:
        """A report linked to the original as its duplicate (once)."""
        self._of(pe).links.setdefault(original, []).append(link)
        _run(pe, self.tables.link(original, link))
