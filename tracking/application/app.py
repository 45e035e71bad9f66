"""Tracking's process application: reports, dispositions and SKPD actions become case events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import singledispatchmethod
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import JSONTranscoder, Recording

from shared import contracts as c
from shared import topics
from shared.logging import get_logger
from shared.messaging.deadletter import SourceRecord
from shared.processing import Batch as Delivered
from shared.processing import BatchProcessApplication, Rejection, derived_id
from tracking.application.messages import (
    arrival_rank,
    cause_of,
    early_arrivals_id,
    message_from,
    payload_of,
    person_of,
    report_of,
)
from tracking.application.stored import register_value_objects
from tracking.domain.case import Case
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.early_arrivals import EarlyArrivals
from tracking.domain.errors import ActingForAnotherBody, CaseRefused
from tracking.domain.values import Cause

log = get_logger(__name__)

Batch = ProcessingEvent[UUID]
Command = Callable[[Case, Cause], None]
OfficerEmail = Callable[[str, str], str | None]  # (role, name) -> the officer's e-mail


def no_email(role: str, name: str) -> str | None:
    """No registry knows officers' addresses: notification writes to the body's address."""
    return None


class TrackingApplication(BatchProcessApplication):
    """One case per report; every message applied once, in the order the case can take it."""

    name = "tracking"
    rejectable_errors: ClassVar[tuple[type[Exception], ...]] = (ActingForAnotherBody, CaseRefused)

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        deadlines: DeadlinePolicy,
        officer_email: OfficerEmail = no_email,
    ) -> None:
        super().__init__(env)
        self.deadlines = deadlines
        # Seam: the token registry's `email_of(role, name)` once tokens travel as events.
        self.officer_email = officer_email
        # Told of every committed write's recordings (the events with their notification ids):
        # the projector projects them as they are, without reading them back and decoding.
        self.recordings_listeners: list[Callable[[Sequence[Recording[UUID]]], None]] = []

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """After every committed write: hand the recordings to whoever keeps them."""
        super()._notify(recordings)
        if recordings:
            for listener in self.recordings_listeners:
                listener(recordings)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The event store also keeps the case events' value objects."""
        super().register_transcodings(transcoder)
        register_value_objects(transcoder)

    def wanted(self, message: Any) -> Iterable[UUID]:
        """Every aggregate a policy may load for this message: its case and its parked messages.

        The batch reads them all at once. Releasing parked messages touches only the same two,
        and a refused record's dead letter is the batch plumbing's own.
        """
        if isinstance(message, c.ReportEvent):
            return (message.report_id, early_arrivals_id(message.report_id))
        return ()

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: Batch) -> None:
        """Messages tracking does not act on change nothing."""

    # -- intake ---------------------------------------------------------------------------

    @policy.register
    def _on_received(self, message: c.ReportReceived, batch: Batch) -> None:
        self._open(message, batch)

    @policy.register
    def _on_accepted(self, message: c.ReportAccepted, batch: Batch) -> None:
        self._open_from(message, batch)
        by = person_of(message)
        self._change(message, batch, lambda case, cause: case.accept(cause, by))

    @policy.register
    def _on_held(self, message: c.ReportHeld, batch: Batch) -> None:
        self._open_from(message, batch)
        self._change(message, batch, lambda case, cause: case.hold(cause, message.reason))

    @policy.register
    def _on_archived(self, message: c.ReportArchived, batch: Batch) -> None:
        self._open_from(message, batch)
        by = person_of(message)
        self._change(message, batch, lambda case, cause: case.archive(cause, message.reason, by))

    @policy.register
    def _on_reply(self, message: c.ReporterReplyReceived, batch: Batch) -> None:
        text = message.text
        self._change(message, batch, lambda case, cause: case.reply(cause, text, self.deadlines))

    @policy.register
    def _on_rating(self, message: c.ReporterRatingReceived, batch: Batch) -> None:
        rating, comment = message.rating, message.comment
        self._change(message, batch, lambda case, cause: case.rate(cause, rating, comment))

    @policy.register
    def _on_status_request(self, message: c.ReporterStatusRequested, batch: Batch) -> None:
        self._change(message, batch, lambda case, cause: case.request_status(cause))

    @policy.register
    def _on_linked(self, message: c.ReportLinkedAsDuplicate, batch: Batch) -> None:
        self._open_from(message, batch)
        of = message.duplicate_of_tracking_id
        self._change(message, batch, lambda case, cause: case.link_as_duplicate(cause, of))

    # -- routing --------------------------------------------------------------------------

    @policy.register
    def _on_awaiting_triage(self, message: c.ReportAwaitingTriage, batch: Batch) -> None:
        self._change(
            message,
            batch,
            lambda case, cause: case.await_triage(cause, message.reason, self.deadlines),
        )

    @policy.register
    def _on_disposed(self, message: c.ReportDisposed, batch: Batch) -> None:
        def dispose(case: Case, cause: Cause) -> None:
            code, name = message.skpd_code, message.skpd_name
            also, by = tuple(message.also), person_of(message)
            case.dispose(cause, code, name, self.deadlines, also=also, actor=by)

        if self._change(message, batch, dispose):
            self._release(message.report_id, batch)

    @policy.register
    def _on_redisposed(self, message: c.ReportRedisposed, batch: Batch) -> None:
        def redispose(case: Case, cause: Cause) -> None:
            case.dispose(
                cause,
                message.skpd_code,
                message.skpd_name,
                self.deadlines,
                previous_skpd_code=message.from_code,
                actor=person_of(message),
            )

        if self._change(message, batch, redispose):
            self._release(message.report_id, batch)

    @policy.register
    def _on_escalated(self, message: c.ReportEscalated, batch: Batch) -> None:
        code = message.skpd_code
        target = (code, message.skpd_name or code) if code else None

        def escalate(case: Case, cause: Cause) -> None:
            case.escalate(cause, message.reason, self.deadlines, target)

        if self._change(message, batch, escalate):
            self._release(message.report_id, batch)

    # -- the bodies -----------------------------------------------------------------------

    @policy.register
    def _on_acknowledge(self, message: c.Acknowledge, batch: Batch) -> None:
        code, actor = message.skpd_code, person_of(message)
        self._act(message, batch, lambda case, cause: case.acknowledge(cause, code, actor))

    @policy.register
    def _on_assign(self, message: c.Assign, batch: Batch) -> None:
        def assign(case: Case, cause: Cause) -> None:
            code, name = message.skpd_code, message.assignee
            email = self.officer_email(f"skpd:{code}", name)
            case.assign(cause, code, name, person_of(message), email)

        self._act(message, batch, assign)

    @policy.register
    def _on_follow_up(self, message: c.PostFollowUp, batch: Batch) -> None:
        def post(case: Case, cause: Cause) -> None:
            code, text = message.skpd_code, message.text
            case.post_follow_up(cause, code, text, self.deadlines, person_of(message))

        self._act(message, batch, post)

    @policy.register
    def _on_resolve(self, message: c.Resolve, batch: Batch) -> None:
        def resolve(case: Case, cause: Cause) -> None:
            by = person_of(message)
            case.resolve(cause, message.skpd_code, message.text, self.deadlines, by)

        self._act(message, batch, resolve)

    @policy.register
    def _on_classify(self, message: c.Classify, batch: Batch) -> None:
        def classify(case: Case, cause: Cause) -> None:
            days, actor = message.resolution_days, person_of(message)
            case.classify(cause, message.skpd_code, days, self.deadlines, actor)

        self._act(message, batch, classify)

    @policy.register
    def _on_not_competent(self, message: c.RejectNotCompetent, batch: Batch) -> None:
        def give_back(case: Case, cause: Cause) -> None:
            case.return_to_routing(
                cause,
                message.skpd_code,
                message.reason,
                self.deadlines,
                suggested_code=message.suggested_code,
                actor=person_of(message),
            )

        self._act(message, batch, give_back)

    # -- how a message meets its case -----------------------------------------------------

    def _open_from(self, message: c.ReportContent, batch: Batch) -> None:
        """Since F3 intake publishes no ReportReceived: the first outcome with content opens the
        case, under a cause of its own so that the outcome itself is still applied after."""
        if getattr(message, "has_content", True):
            opening = Cause(str(derived_id(message.event_id, "opens")), message.occurred_at)
            self._open(message, batch, opening)

    def _open(self, message: c.ReportContent, batch: Batch, cause: Cause | None = None) -> None:
        if self.load(batch, message.report_id, Case) is not None:
            return
        cause = cause or cause_of(message)
        opener = person_of(message)  # the officer who entered a walk-in report, else None
        case = Case.open(message.report_id, cause, report_of(message), self.deadlines, opener)
        batch.collect_events(case)
        self._release(message.report_id, batch)

    def _act(self, message: c.SkpdAction, batch: Batch, command: Command) -> None:
        """A body acts only for itself; its action waits while the case waits for a body."""
        source = _source(batch)
        if source is not None:
            body = topics.body_of_actions_topic(source.topic)
            if body != message.skpd_code:
                raise ActingForAnotherBody(body, message.skpd_code)
        self._change(message, batch, command, wait_for_body=True)

    def _change(
        self,
        message: c.ReportEvent,
        batch: Batch,
        command: Command,
        *,
        wait_for_body: bool = False,
    ) -> bool:
        """Apply a message to its case once; park it while the case cannot take it yet."""
        case = self.load(batch, message.report_id, Case)
        cause = cause_of(message)
        if case is not None and case.has_handled(cause.event_id):
            return False
        if case is None or (wait_for_body and case.awaits_body):
            self._park(message, batch)
            return False
        command(case, cause)
        batch.collect_events(case)
        return True

    def _park(self, message: c.ReportEvent, batch: Batch) -> None:
        early_id = early_arrivals_id(message.report_id)
        early = self.load(batch, early_id, EarlyArrivals)
        source = _source(batch)
        kept = source.to_json() if source is not None else None
        parked = (str(message.event_id), message.event_type, payload_of(message), kept)
        if early is None:
            early = EarlyArrivals.first(early_id, message.report_id, *parked)
        else:
            early.park(*parked)
        batch.collect_events(early)

    def _release(self, report_id: UUID, batch: Batch) -> None:
        """Apply the messages that came early, intake's first, then routing's, then bodies'."""
        early = self.load(batch, early_arrivals_id(report_id), EarlyArrivals)
        if early is None:
            return
        waiting = [(message_from(i["event_type"], i["payload"]), i) for i in early.release()]
        batch.collect_events(early)
        current = _source(batch)
        for message, item in sorted(waiting, key=lambda pair: arrival_rank(pair[0])):
            source = SourceRecord.from_json(item["source"]) if item.get("source") else None
            _set_source(batch, source)
            try:
                self.policy(message, batch)
            except self.rejectable_errors as error:
                self._refuse_parked(batch, source, message, error)
        _set_source(batch, current)

    def _refuse_parked(
        self, batch: Batch, source: SourceRecord | None, message: c.ReportEvent, error: Exception
    ) -> None:
        """A parked message refused on release: dead-letter the record it came in."""
        rejection = Rejection(type(error).__name__, str(error))
        if isinstance(batch, Delivered) and source is not None:
            batch.refuse(source, rejection)
            return
        # Parked before records were kept: it stays in the early-arrivals history.
        log.warning(
            "early-message-refused",
            report_id=str(message.report_id),
            event_type=message.event_type,
            error=str(error),
        )


def _source(batch: Batch) -> SourceRecord | None:
    """The record the message now handled came in (None outside the consumer)."""
    return batch.current if isinstance(batch, Delivered) else None


def _set_source(batch: Batch, source: SourceRecord | None) -> None:
    if isinstance(batch, Delivered):
        batch.current = source
