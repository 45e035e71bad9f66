"""Which bodies may see a report's contact: a table row per report, from routing's events."""

from __future__ import annotations

from uuid import UUID
from weakref import WeakKeyDictionary

from eventsourcing.application import ProcessingEvent

from intake.application.bookkeeping import run_in
from intake.application.ports import VaultTables
from intake.domain.vault import disposed, redisposed


class Access:
    """The bodies a report is disposed to; a batch sees its own changes before they are stored."""

    def __init__(self, rows: VaultTables) -> None:
        self._rows = rows
        self._written: WeakKeyDictionary[ProcessingEvent[UUID], dict[str, tuple[str, ...]]] = (
            WeakKeyDictionary()
        )

    def bodies(self, batch: ProcessingEvent[UUID] | None, report_id: UUID) -> tuple[str, ...]:
        """The bodies a report is disposed to, as this batch sees them."""
        written = self._written.get(batch, {}) if batch is not None else {}
        found = written.get(str(report_id))
        return found if found is not None else self._rows.bodies(str(report_id))

    def dispose(
        self, batch: ProcessingEvent[UUID], report_id: UUID, primary: str, also: tuple[str, ...]
    ) -> None:
        """The report went to a body (and the `also` bodies of a cross-sector report): its
        bodies are these, whatever they were, so nothing is read (an upsert of the same row is
        harmless; a read per report was a round trip per disposition)."""
        self._write(batch, report_id, disposed(primary, also))

    def redispose(
        self, batch: ProcessingEvent[UUID], report_id: UUID, from_code: str, to_code: str
    ) -> None:
        """A body said "bukan wewenang": it loses access, the new body gains it."""
        current = self.bodies(batch, report_id)
        bodies = redisposed(current, from_code, to_code)
        if bodies != current:
            self._write(batch, report_id, bodies)

    def _write(
        self, batch: ProcessingEvent[UUID], report_id: UUID, bodies: tuple[str, ...]
    ) -> None:
        self._written.setdefault(batch, {})[str(report_id)] = bodies
        run_in(batch, [self._rows.set_bodies(str(report_id), bodies)])
