"""The intake application: consumes adapter messages, answers status, guards the vault."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import IntegrityError

from intake.application import ids
from intake.application.recording import MessageRecorder
from intake.application.views import DeliveryAddress, IntakeStatus
from intake.domain.activity import ReporterActivity
from intake.domain.errors import (
    LookUpRefused,
    MessageNotSeen,
    TrackingIdsExhausted,
    UnknownReporterRef,
)
from intake.domain.identifiers import TrackingIdFormat
from intake.domain.report import Report
from intake.domain.screening import ScreeningRules
from intake.domain.vault import VaultEntry
from shared.clock import Clock
from shared.contracts import IntakeMessage
from shared.logging import get_logger
from shared.processing import BatchProcessApplication

log = get_logger(__name__)

SKPD_REFUSAL = (
    "an SKPD may see the identity only of a non-anonim report disposed to it; "
    "intake does not know dispositions yet"
)
LOOK_UP_ATTEMPTS = 3


class IntakeApplication(BatchProcessApplication):
    """Records each adapter message once as a screened report; identity stays here."""

    name = "intake"
    rejectable_errors: ClassVar[tuple[type[Exception], ...]] = (TrackingIdsExhausted,)
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {ReporterActivity: 100}

    def __init__(
        self,
        rules: ScreeningRules,
        tracking_format: TrackingIdFormat,
        clock: Clock,
        env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self._recorder = MessageRecorder(self, rules, tracking_format, clock)

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Events intake does not act on are ignored."""

    @policy.register
    def _(self, message: IntakeMessage, processing_event: ProcessingEvent[UUID]) -> None:
        self._recorder.record(message, processing_event)

    def intake_status(self, channel: str, message_id: str) -> IntakeStatus:
        """What became of one adapter message (MessageNotSeen until it is recorded)."""
        try:
            report: object = self.repository.get(ids.report_id(channel, message_id))
        except AggregateNotFoundError:
            raise MessageNotSeen(f"no report for message {channel}:{message_id} yet") from None
        if not isinstance(report, Report):
            raise MessageNotSeen(f"no report for message {channel}:{message_id}")
        return IntakeStatus(channel, message_id, report.status, report.tracking_id, report.reason)

    def look_up_identity(self, reporter_ref: str, role: str) -> DeliveryAddress:
        """The delivery address behind a reporter_ref, for a role that may see it; audited."""
        attempts_left = LOOK_UP_ATTEMPTS
        while True:
            try:
                return self._look_up_once(reporter_ref, role)
            except IntegrityError:  # a concurrent look-up appended first: record ours after it
                attempts_left -= 1
                if attempts_left == 0:
                    raise

    def _look_up_once(self, reporter_ref: str, role: str) -> DeliveryAddress:
        entry = self._vault_entry(reporter_ref)
        if role.startswith("skpd:"):
            entry.record_refusal(role=role, at=self.clock.now(), reason=SKPD_REFUSAL)
            self.save(entry)
            log.warning("identity-look-up-refused", reporter_ref=reporter_ref, role=role)
            raise LookUpRefused(SKPD_REFUSAL)
        report: Report = self.repository.get(entry.report_id)
        entry.record_look_up(role=role, at=self.clock.now())
        self.save(entry)
        log.info(
            "identity-looked-up",
            reporter_ref=reporter_ref,
            report_id=str(entry.report_id),
            role=role,
        )
        who = report.reporter
        channel = report.submission.channel
        return DeliveryAddress(reporter_ref, channel, who.name, who.phone, who.email, who.handle)

    def _vault_entry(self, reporter_ref: str) -> VaultEntry:
        try:
            entry: object = self.repository.get(ids.vault_entry_id(reporter_ref))
        except AggregateNotFoundError:
            raise UnknownReporterRef(f"unknown reporter_ref {reporter_ref}") from None
        if not isinstance(entry, VaultEntry):
            raise UnknownReporterRef(f"unknown reporter_ref {reporter_ref}")
        return entry
