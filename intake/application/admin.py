"""The admin's queue of held reports: list oldest first, verify (on to routing) or archive."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.bookkeeping import BatchBooks
from intake.application.dedup import DuplicateIndex, indexed
from intake.application.photos import PhotoDesk
from intake.application.views import Decision
from intake.domain.held import Waiting
from intake.domain.report import Report
from shared.logging import get_logger

if TYPE_CHECKING:
    from intake.application.app import IntakeApplication

log = get_logger(__name__)
Staff = tuple[str, str]  # the person who decided: role and name, from their token


class AdminDesk:
    """Decisions on held reports; each one an event on the report, and a row off the queue."""

    def __init__(
        self,
        app: IntakeApplication,
        books: BatchBooks,
        duplicates: DuplicateIndex,
        photos: PhotoDesk,
    ) -> None:
        self._app = app
        self._photos = photos
        self._books = books
        self._duplicates = duplicates

    def held(self, limit: int | None = None, offset: int = 0) -> list[Waiting]:
        """Held reports waiting for a decision, oldest first: one page (`limit` None: all)."""
        return self._books.books.held(limit, offset)

    def held_count(self) -> int:
        """How many held reports wait for a decision."""
        return self._books.books.held_count()

    def verify(self, tracking_id: str, note: str = "", actor: Staff | None = None) -> Decision:
        """The report is genuine: it goes on to routing as accepted."""

        def change(batch: ProcessingEvent[UUID]) -> Decision:
            report = self._app.report_by_tracking_id(tracking_id)
            report.verify(at=self._app.clock.now(), note=note, actor=_person(actor))
            self._release(batch, report)
            self._photos.looked_at(batch, report.id, self._app.clock.now())
            self._duplicates.add(batch, indexed(report.id, report.tracking_id, report.submission))
            return Decision(report.tracking_id, report.status, None)

        decision = self._app.write(change)
        log.info("held-report-verified", tracking_id=tracking_id)
        return decision

    def archive(self, tracking_id: str, reason: str, actor: Staff | None = None) -> Decision:
        """The report is not for the city to handle: archived with the reason."""

        def change(batch: ProcessingEvent[UUID]) -> Decision:
            report = self._app.report_by_tracking_id(tracking_id)
            report.archive(at=self._app.clock.now(), reason=reason, actor=_person(actor))
            self._release(batch, report)
            return Decision(report.tracking_id, report.status, reason)

        decision = self._app.write(change)
        log.info("held-report-archived", tracking_id=tracking_id)
        return decision

    def _release(self, batch: ProcessingEvent[UUID], report: Report) -> None:
        batch.collect_events(report)
        self._books.release(batch, report.id)


def _person(actor: Staff | None) -> dict[str, str] | None:
    return None if actor is None else {"role": actor[0], "name": actor[1]}
