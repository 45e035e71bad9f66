"""The Report aggregate: one adapter message, recorded once, screened, identity kept here only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from intake.domain.identity import Identity
from intake.domain.screening import Verdict


@dataclass(frozen=True)
class Submission:
    """What the citizen sent, without who they are."""

    channel: str
    message_id: str
    kind: str
    title: str
    text: str
    received_at: datetime
    location: dict[str, Any] = field(default_factory=dict)
    anonim: bool = False
    rahasia: bool = False


@dataclass(frozen=True)
class Handles:
    """The report's public tracking id and its pseudonymous reporter ref."""

    tracking_id: str
    reporter_ref: str


class Report(Aggregate):
    """A citizen report as intake recorded and screened it."""

    @classmethod
    def record(
        cls,
        report_id: UUID,
        submission: Submission,
        identity: Identity,
        handles: Handles,
        verdict: Verdict,
    ) -> Report:
        """Record a new report with its screening verdict (one fact, one event)."""
        return cls(
            id=report_id,
            submission=asdict(submission),
            reporter=identity.as_dict(),
            tracking_id=handles.tracking_id,
            reporter_ref=handles.reporter_ref,
            status=verdict.status,
            reason=verdict.reason,
        )

    class Recorded(Aggregate.Created):
        """Intake recorded a report with its screening verdict."""

        submission: dict[str, Any]
        reporter: dict[str, Any]
        tracking_id: str
        reporter_ref: str
        status: str
        reason: str | None

    @event(Recorded)
    def __init__(
        self,
        id: UUID,
        submission: dict[str, Any],
        reporter: dict[str, Any],
        tracking_id: str,
        reporter_ref: str,
        status: str,
        reason: str | None,
    ) -> None:
        self.submission = Submission(**submission)
        self.reporter = Identity.from_dict(reporter)
        self.tracking_id = tracking_id
        self.reporter_ref = reporter_ref
        self.verdict = Verdict(status, reason)

    @property
    def status(self) -> str:
        """accepted, held or archived."""
        return self.verdict.status

    @property
    def reason(self) -> str | None:
        """Why screening held or archived it (None when accepted)."""
        return self.verdict.reason
