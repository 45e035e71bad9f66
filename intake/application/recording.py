"""Recording one adapter message: dedup, screen, tracking id, reporter ref, vault entry."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application import ids
from intake.domain.activity import ReporterActivity
from intake.domain.claims import TrackingIdClaim
from intake.domain.errors import TrackingIdsExhausted
from intake.domain.identifiers import TrackingIdFormat, new_reporter_ref
from intake.domain.identity import Identity
from intake.domain.report import Handles, Report, Submission
from intake.domain.screening import ScreeningRules, screen
from intake.domain.vault import VaultEntry
from shared.clock import Clock
from shared.contracts import IntakeMessage
from shared.processing import BatchProcessApplication

TRACKING_ID_ATTEMPTS = 5


class MessageRecorder:
    """Turns an IntakeMessage into a screened Report, once per `channel:message_id`."""

    def __init__(
        self,
        app: BatchProcessApplication,
        rules: ScreeningRules,
        tracking_format: TrackingIdFormat,
        clock: Clock,
    ) -> None:
        self._app = app
        self._rules = rules
        self._format = tracking_format
        self._clock = clock

    def record(self, message: IntakeMessage, batch: ProcessingEvent[UUID]) -> None:
        """Record and screen the report unless this message was recorded before."""
        report_id = ids.report_id(message.channel.value, message.message_id)
        if self._app.load(batch, report_id, Report) is not None:
            return
        submission = self._submission(message)
        identity = Identity.from_dict(message.reporter.model_dump(mode="json"))
        keys = identity.flood_keys(submission.channel)
        recent = self._note_activity(batch, keys, report_id, submission)
        verdict = screen(f"{message.title}\n{message.text}", recent, self._rules)
        handles = Handles(self._claim_tracking_id(batch, report_id), new_reporter_ref())
        report = Report.record(report_id, submission, identity, handles, verdict)
        entry = VaultEntry(
            id=ids.vault_entry_id(handles.reporter_ref),
            reporter_ref=handles.reporter_ref,
            report_id=report_id,
        )
        batch.collect_events(report, entry)

    def _submission(self, message: IntakeMessage) -> Submission:
        return Submission(
            channel=message.channel.value,
            message_id=message.message_id,
            kind=message.kind.value,
            title=message.title,
            text=message.text,
            received_at=message.received_at or self._clock.now(),
            location=message.location.model_dump(mode="json"),
            anonim=message.anonim,
            rahasia=message.rahasia,
        )

    def _note_activity(
        self, batch: ProcessingEvent[UUID], keys: list[str], report_id: UUID, sub: Submission
    ) -> int:
        """Note the report on each contact key; the busiest key's count in the window."""
        window = self._rules.flood_window
        busiest = 0
        for key in keys:
            activity_id = ids.activity_id(key)
            activity = self._app.load(batch, activity_id, ReporterActivity)
            if activity is None:
                activity = ReporterActivity(id=activity_id)
            activity.note_report(
                report_id=report_id, at=sub.received_at, window_seconds=window.total_seconds()
            )
            busiest = max(busiest, activity.reports_within(window, sub.received_at))
            batch.collect_events(activity)
        return busiest

    def _claim_tracking_id(self, batch: ProcessingEvent[UUID], report_id: UUID) -> str:
        """Draw random ids until one is free, and claim it."""
        for _ in range(TRACKING_ID_ATTEMPTS):
            tracking_id = self._format.new_id()
            claim_id = ids.tracking_claim_id(tracking_id)
            if self._app.load(batch, claim_id, TrackingIdClaim) is None:
                claim = TrackingIdClaim(id=claim_id, tracking_id=tracking_id, report_id=report_id)
                batch.collect_events(claim)
                return tracking_id
        raise TrackingIdsExhausted(f"{TRACKING_ID_ATTEMPTS} random tracking ids were all taken")
