"""The Report aggregate: one adapter message, recorded once, screened; identity sealed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from intake.domain.errors import NotHeld
from intake.domain.screening import ACCEPTED, ARCHIVED, HELD, Verdict

DUPLICATE = "duplicate"


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
    attachments: tuple[str, ...] | list[str] = ()
    category: str | None = None
    contact_kinds: tuple[str, ...] | list[str] = ()  # "email", "phone": kinds only, never contacts

    def as_dict(self) -> dict[str, Any]:
        """The stored form (what `dataclasses.asdict` gives, without its deep copies)."""
        state = dict(self.__dict__)
        state["location"] = dict(self.location)
        return state


@dataclass(frozen=True)
class Handles:
    """The report's public tracking id and its pseudonymous reporter ref."""

    tracking_id: str
    reporter_ref: str


@dataclass(frozen=True)
class DuplicateLink:
    """The open report a new one repeats (linked) or may repeat (flagged)."""

    report_id: str
    tracking_id: str


@dataclass(frozen=True)
class Outcome:
    """Screening's verdict, refined by the duplicate check."""

    verdict: Verdict
    duplicate_of: DuplicateLink | None = None
    possible_duplicate_of: DuplicateLink | None = None

    @property
    def status(self) -> str:
        """duplicate when linked, else the verdict's status."""
        return DUPLICATE if self.duplicate_of else self.verdict.status


class Report(Aggregate):
    """A citizen report as intake recorded and screened it; identity only as a sealed token."""

    @classmethod
    def record(
        cls,
        report_id: UUID,
        submission: Submission,
        sealed_identity: str,
        handles: Handles,
        outcome: Outcome,
        recorded_by: dict[str, str] | None = None,
    ) -> Report:
        """Record a new report with its outcome (one fact, one event); `recorded_by` is the
        officer (`role`, `name`) who entered a walk-in report for a citizen.

        What `cls(id=report_id, ...)` does through eventsourcing, without its generic steps
        (the arguments matched to `__init__`'s signature and copied, the id checked, the class's
        topic looked up, the event's fields filtered twice by signatures): the `Recorded` event
        made, and the report built from the same values. A test proves the same event, stored
        bytes and report."""
        fields: dict[str, Any] = {
            "submission": submission.as_dict(),
            "sealed_identity": sealed_identity,
            "tracking_id": handles.tracking_id,
            "reporter_ref": handles.reporter_ref,
            "status": outcome.status,
            "reason": outcome.verdict.reason,
            "duplicate_of": asdict(outcome.duplicate_of) if outcome.duplicate_of else None,
            "possible_duplicate_of": (
                asdict(outcome.possible_duplicate_of) if outcome.possible_duplicate_of else None
            ),
            "recorded_by": recorded_by,
        }
        timestamp = cls.Recorded.create_timestamp()
        recorded = cls.Recorded(
            originator_topic=TOPIC,
            originator_id=report_id,
            originator_version=cls.INITIAL_VERSION,
            timestamp=timestamp,
            **fields,
        )
        report = cls.__new__(cls)
        report.__base_init__(report_id, cls.INITIAL_VERSION, timestamp)
        cls.__init__(report, report_id, **fields)
        report.pending_events.append(recorded)
        return report

    class Recorded(Aggregate.Created):
        """Intake recorded a report with its outcome (version 2: identity sealed per reporter;
        version 3: the officer who entered a walk-in report, `recorded_by`)."""

        class_version = 3

        submission: dict[str, Any]
        sealed_identity: str
        tracking_id: str
        reporter_ref: str
        status: str
        reason: str | None
        duplicate_of: dict[str, str] | None
        possible_duplicate_of: dict[str, str] | None
        recorded_by: dict[str, str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 kept the identity in clear: it is no longer read (nothing to unseal)."""
            state.pop("reporter", None)
            state["sealed_identity"] = ""
            state["duplicate_of"] = None
            state["possible_duplicate_of"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Version 2 did not record who entered a report (every report was the citizen's)."""
            state["recorded_by"] = None

    @event(Recorded)
    def __init__(
        self,
        id: UUID,
        submission: dict[str, Any],
        sealed_identity: str,
        tracking_id: str,
        reporter_ref: str,
        status: str,
        reason: str | None,
        duplicate_of: dict[str, str] | None,
        possible_duplicate_of: dict[str, str] | None,
        recorded_by: dict[str, str] | None = None,
    ) -> None:
        self.submission = Submission(**submission)
        self.sealed_identity = sealed_identity
        self.tracking_id = tracking_id
        self.reporter_ref = reporter_ref
        self.status = status
        self.reason = reason
        self.duplicate_of = DuplicateLink(**duplicate_of) if duplicate_of else None
        self.possible_duplicate_of = (
            DuplicateLink(**possible_duplicate_of) if possible_duplicate_of else None
        )
        self.recorded_by = recorded_by

    def check_held(self) -> None:
        """Only a held report awaits the admin's decision."""
        if self.status != HELD:
            raise NotHeld(f"report {self.tracking_id} is {self.status}, not held")

    def verify(self, at: datetime, note: str, actor: dict[str, str] | None = None) -> None:
        """The admin verified a held report: it goes on to routing."""
        self.check_held()
        self._verified(at=at, note=note, actor=actor)

    class Verified(Aggregate.Event):
        """The admin verified the held report (version 2: the person, `role` and `name`)."""

        class_version = 2

        at: datetime
        note: str
        actor: dict[str, str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not record who decided."""
            state["actor"] = None

    @event(Verified)
    def _verified(self, at: datetime, note: str, actor: dict[str, str] | None) -> None:
        self.status = ACCEPTED
        self.reason = None

    def archive(self, at: datetime, reason: str, actor: dict[str, str] | None = None) -> None:
        """The admin archived a held report, with the reason the reporter is told."""
        self.check_held()
        self._archived(at=at, reason=reason, actor=actor)

    class ArchivedByAdmin(Aggregate.Event):
        """The admin archived the held report (version 2: the person, `role` and `name`)."""

        class_version = 2

        at: datetime
        reason: str
        actor: dict[str, str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not record who decided."""
            state["actor"] = None

    @event(ArchivedByAdmin)
    def _archived(self, at: datetime, reason: str, actor: dict[str, str] | None) -> None:
        self.status = ARCHIVED
        self.reason = reason


TOPIC = f"{Report.__module__}:{Report.__qualname__}"  # as eventsourcing names it (stored events)
