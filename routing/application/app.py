"""The routing application: disposes accepted reports, re-disposes returned ones, admin by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import singledispatchmethod
from typing import Any, ClassVar, NamedTuple
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Recording
from eventsourcing.utils import EnvType

from routing.application.batch import BatchDecisions
from routing.application.bodies import BodyDirectory
from routing.application.ids import disposition_id
from routing.application.tracking_ids import (
    BatchTrackingIds,
    TrackingIdTable,
    migrate_tracking_ids,
)
from routing.application.triage import TriageQueue, TriageTable, migrate_triage, triage_changes
from routing.domain.disposition import Disposition
from routing.domain.errors import DispositionError, ReportNotFound
from routing.domain.router import RoutableReport, Router, RoutingDecision
from shared.clock import Clock
from shared.contracts import Actor, CaseReturned, ReportAccepted
from shared.logging import get_logger
from shared.processing import Batch, BatchProcessApplication
from shared.tables import Database

log = get_logger(__name__)


class HandDisposition(NamedTuple):
    """The disposition after the admin's choice, and whether it changed anything."""

    disposition: Disposition
    changed: bool


class RoutingApplication(BatchProcessApplication):
    """Chooses the competent body for every accepted report and keeps where each one went."""

    rejectable_errors: ClassVar[tuple[type[Exception], ...]] = (DispositionError,)

    def __init__(
        self,
        router: Router,
        clock: Clock,
        bodies: BodyDirectory,
        env: EnvType | None = None,
        *,
        tracking_ids: Callable[[ProcessRecorder], TrackingIdTable],
        triage: Callable[[Database], TriageTable],
        escalate_after: int = 2,
    ) -> None:
        super().__init__(env)
        self.tracking_ids = tracking_ids(self.recorder)
        migrate_tracking_ids(self, self.tracking_ids)
        self.triage_table = triage(self.tracking_ids.db)  # the same database, one transaction
        migrate_triage(self, self.triage_table, self.tracking_ids)
        self.triage = TriageQueue(self.triage_table)
        self._tracking_ids = BatchTrackingIds(self.tracking_ids)
        self.router = router
        self.clock = clock
        self.bodies = bodies
        self.escalate_after = escalate_after
        self._decisions = BatchDecisions(router)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record aggregates' events outside a consumed batch (the admin's hand disposition),
        as a Batch, so the triage table changes in the same transaction."""
        batch = Batch()
        batch.collect_events(*objs, **kwargs)
        recordings = self._record(batch)
        self._take_snapshots(batch)
        self._notify(recordings)
        return recordings

    def _record(self, processing_event: ProcessingEvent[UUID]) -> Any:
        """Record the batch with the triage table's changes for its events; an in-memory store
        then runs the batch's table statements."""
        changes = triage_changes(self.triage_table, processing_event.events)
        if changes:
            if not isinstance(processing_event, Batch):
                raise TypeError("routing records triage changes only within a Batch")
            processing_event.statements.extend(changes)
        recordings = super()._record(processing_event)
        self.tracking_ids.after_record(getattr(processing_event, "statements", ()))
        return recordings

    @singledispatchmethod
    def wanted(self, message: Any) -> Iterable[UUID]:
        """Nothing is read for events routing does not act on."""
        return ()

    @wanted.register
    def _(self, event: ReportAccepted) -> Iterable[UUID]:
        self._decisions.expect(event.report_id, routable(event))  # the batch is routed at once
        self._tracking_ids.expect(event.tracking_id)  # and its tracking ids read at once
        return [disposition_id(event.report_id)]

    @wanted.register
    def _(self, event: CaseReturned) -> Iterable[UUID]:
        return [disposition_id(event.report_id)]

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Every other event on the topics routing reads: nothing to do."""

    @policy.register
    def _(self, event: ReportAccepted, processing_event: ProcessingEvent[UUID]) -> None:
        """Dispose a report that passed screening, once however often it arrives."""
        decision = self._decisions.take(event.report_id, lambda: routable(event))
        if self.load(processing_event, disposition_id(event.report_id), Disposition) is not None:
            return
        disposition = self._decided(event, decision)
        self._tracking_ids.claim(processing_event, event.tracking_id, event.report_id)
        processing_event.collect_events(disposition)

    @policy.register
    def _(self, event: CaseReturned, processing_event: ProcessingEvent[UUID]) -> None:
        """Re-dispose a report a body refused ("bukan wewenang"), never back to a refuser."""
        disposition = self.load(processing_event, disposition_id(event.report_id), Disposition)
        if disposition is None:
            raise ReportNotFound(event.tracking_id)
        message_id = str(event.event_id)
        if disposition.has_seen_return(message_id) or not disposition.is_at(event.rejected_by):
            log.info("stale-return-ignored", tracking_id=event.tracking_id, by=event.rejected_by)
            return
        now = self.clock.now()
        disposition.record_return(
            event.rejected_by, event.reason, event.suggested_code, message_id, now
        )
        why = _returned_reason(event)
        if disposition.refusals >= self.escalate_after:
            self._escalate(disposition, why, now)
            processing_event.collect_events(disposition)
            return
        target = self._next_body(disposition, event.suggested_code)
        if target is None:
            disposition.send_to_triage(f"{why}; tidak ada instansi lain yang cocok", [], now)
        else:
            name = self.bodies.name(target)
            disposition.dispose(
                target, name, method="rule", reason=f"{why}; diteruskan ke {target}", at=now
            )
        processing_event.collect_events(disposition)

    def dispose_by_hand(
        self, tracking_id: str, skpd_code: str, reason: str, actor: Actor | None = None
    ) -> HandDisposition:
        """The admin (`actor`, from their token) disposes a report to the body of their choice."""
        name = self.bodies.name(skpd_code)
        with self.processing_lock:  # never interleave with a batch of the consumers
            disposition = self.by_tracking_id(tracking_id)
            if disposition.is_at(skpd_code):
                return HandDisposition(disposition, changed=False)
            reason = reason or "disposisi oleh admin"
            disposition.dispose(
                skpd_code, name, method="admin", reason=reason, at=self.clock.now(),
                actor=actor.model_dump() if actor is not None else None,
            )  # fmt: skip
            self.save(disposition)
        return HandDisposition(disposition, changed=True)

    def by_tracking_id(self, tracking_id: str) -> Disposition:
        """The disposition of the report with this tracking id, or ReportNotFound."""
        report_id = self._tracking_ids.report_with(tracking_id.upper())
        if report_id is None:
            raise ReportNotFound(tracking_id)
        try:
            found: Disposition = self.repository.get(disposition_id(report_id))
        except AggregateNotFoundError:
            raise ReportNotFound(tracking_id) from None
        return found

    def _next_body(self, disposition: Disposition, suggested: str | None) -> str | None:
        """A body suggesting the admin's own code asks for triage, not for the next candidate."""
        if suggested == self.bodies.triage_code:
            return None
        return disposition.next_body(suggested, self.bodies.routable)

    def _escalate(self, disposition: Disposition, why: str, now: datetime) -> None:
        """Refused `escalate_after` times: up to a refuser's parent, else the admin's queue."""
        target = self.bodies.escalation_target(disposition.rejected_by)
        reason = f"{why}; ditolak {disposition.refusals} kali, dinaikkan ke {target}"
        awaiting = target == self.bodies.triage_code
        name = self.bodies.name(target)
        disposition.escalate(target, name, reason=reason, awaiting=awaiting, at=now)

    def _decided(self, event: ReportAccepted, decision: RoutingDecision) -> Disposition:
        """A new disposition, disposed or awaiting triage, in one event."""
        candidates = [{"code": c.code, "score": c.score} for c in decision.candidates]
        new: dict[str, Any] = {
            "id": disposition_id(event.report_id),
            "report_id": event.report_id,
            "tracking_id": event.tracking_id,
            "content": _content(event),
        }
        now = self.clock.now()
        if (
            decision.code is None
            or decision.needs_triage
            or decision.code == self.bodies.triage_code
        ):
            return Disposition.triaged(**new, reason=decision.reason, candidates=candidates, at=now)
        return Disposition.routed(
            **new,
            code=decision.code,
            name=self.bodies.name(decision.code),
            method=decision.method,
            confidence=decision.confidence,
            reason=decision.reason,
            at=now,
            candidates=candidates,
            also=[code for code in decision.also if code in self.bodies.routable],
        )


def _content(event: ReportAccepted) -> dict[str, Any]:
    """What routing keeps of a report: what a body may see, and whether it is rahasia."""
    return {
        "title": event.title,
        "text": event.text,
        "kind": event.kind.value,
        "channel": event.channel.value,
        "location": event.location.model_dump(mode="json"),
        "anonim": event.anonim,
        "rahasia": event.rahasia,
        "attachments": list(event.attachments),
        "category": event.category,
    }


def routable(event: ReportAccepted) -> RoutableReport:
    """What the router reads of an accepted report."""
    location = event.location
    return RoutableReport(
        event.title, event.text, location.kecamatan, location.kelurahan, event.category
    )


def _returned_reason(event: CaseReturned) -> str:
    suggestion = f" (saran: {event.suggested_code})" if event.suggested_code else ""
    return f"dikembalikan oleh {event.rejected_by}, bukan wewenang: {event.reason}{suggestion}"
