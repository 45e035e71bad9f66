"""The disposition (disposisi) of one report: which body holds it, and who refused it.

Events that leave the service (`Routed`, `Triaged`, `Disposed`, `Redisposed`, `SentToTriage`,
`Escalated`) carry everything their integration events need, so translating them never reads the
store. `at` is the injected clock's time of the decision.

A report decided on arrival is one stored event: `Routed` (created disposed) or `Triaged` (created
awaiting the admin). Stores written before they existed hold `Opened` followed by `Disposed` or
`SentToTriage`; both histories rebuild the same state.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from routing.domain.errors import NotDisposedTo

EXCERPT_LENGTH = 160


def excerpt(text: str) -> str:
    """The start of a text on one line, for lists."""
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


class Disposition(Aggregate):
    """Where one report stands: its body (or triage), its candidates, the bodies that refused it."""

    class Opened(Aggregate.Created):
        """`content`: title, text, kind, channel, location, anonim, rahasia (no reporter)."""

        report_id: UUID
        tracking_id: str
        content: dict[str, Any]

    @event(Opened)
    def __init__(
        self, id: UUID, report_id: UUID, tracking_id: str, content: dict[str, Any]
    ) -> None:
        self.report_id = report_id
        self.tracking_id = tracking_id
        self.content = content
        self.skpd_code: str | None = None
        self.previous_code: str | None = None
        self.awaiting_triage = False
        self.candidates: list[dict[str, Any]] = []
        self.rejected_by: list[str] = []
        self.returns_seen: list[str] = []
        self.also: list[str] = []
        self.escalated_to: list[str] = []

    class Routed(Aggregate.Created):
        """Opened and disposed to its first body at once (what `Opened` + `Disposed` said)."""

        report_id: UUID
        tracking_id: str
        content: dict[str, Any]
        skpd_code: str
        skpd_name: str
        method: str
        confidence: float
        reason: str
        candidates: list[dict[str, Any]]
        at: datetime
        also: list[str]

        def apply(self, aggregate: Aggregate) -> None:
            """The report is at its body from the start."""
            disposition = cast("Disposition", aggregate)
            disposition.skpd_code = self.skpd_code
            disposition.also = list(self.also)
            disposition.candidates = list(self.candidates)

    class Triaged(Aggregate.Created):
        """Opened and sent to the admin at once (what `Opened` + `SentToTriage` said)."""

        report_id: UUID
        tracking_id: str
        content: dict[str, Any]
        title: str
        excerpt: str
        reason: str
        candidates: list[dict[str, Any]]
        at: datetime

        def apply(self, aggregate: Aggregate) -> None:
            """The report waits for the admin from the start."""
            disposition = cast("Disposition", aggregate)
            disposition.awaiting_triage = True
            disposition.candidates = list(self.candidates)

    @classmethod
    def routed(
        cls,
        id: UUID,
        report_id: UUID,
        tracking_id: str,
        content: dict[str, Any],
        *,
        code: str,
        name: str,
        method: str,
        reason: str,
        at: datetime,
        confidence: float,
        candidates: list[dict[str, Any]],
        also: list[str],
    ) -> Disposition:
        """A new report disposed to its first body in one event."""
        return cls._created(
            cls.Routed, id, report_id, tracking_id, content,
            skpd_code=code, skpd_name=name, method=method, confidence=confidence, reason=reason,
            candidates=list(candidates), at=at, also=[c for c in also if c != code],
        )  # fmt: skip

    @classmethod
    def triaged(
        cls,
        id: UUID,
        report_id: UUID,
        tracking_id: str,
        content: dict[str, Any],
        *,
        reason: str,
        candidates: list[dict[str, Any]],
        at: datetime,
    ) -> Disposition:
        """A new report left to the admin in one event."""
        return cls._created(
            cls.Triaged, id, report_id, tracking_id, content,
            title=str(content.get("title") or ""), excerpt=excerpt(str(content.get("text") or "")),
            reason=reason, candidates=list(candidates), at=at,
        )  # fmt: skip

    @classmethod
    def _created(
        cls,
        event_class: type[Routed | Triaged],
        id: UUID,
        report_id: UUID,
        tracking_id: str,
        content: dict[str, Any],
        **decision: Any,
    ) -> Disposition:
        """What `cls._create(event_class, id=id, ...)` makes, without eventsourcing's generic
        steps (the id checked, the class's topic looked up, the arguments copied, the event's
        fields filtered twice by signatures): the event made, the disposition built from the
        same values, the event applied. A test proves the same event, stored bytes and state."""
        timestamp = event_class.create_timestamp()
        created = event_class(
            originator_topic=TOPIC,
            originator_id=id,
            originator_version=cls.INITIAL_VERSION,
            timestamp=timestamp,
            **{"report_id": report_id, "tracking_id": tracking_id, "content": content},
            **decision,
        )  # (the fields in mappings: mypy does not see event fields)
        disposition = cls.__new__(cls)
        disposition.__base_init__(id, cls.INITIAL_VERSION, timestamp)
        cls.__init__(disposition, id, report_id, tracking_id, content)
        created.apply(disposition)
        disposition.pending_events.append(created)
        return disposition

    class Disposed(Aggregate.Event):
        """The report went to its first body (`also`: further bodies of a cross-sector report)."""

        class_version = 3
        report_id: UUID
        tracking_id: str
        skpd_code: str
        skpd_name: str
        method: str
        confidence: float
        reason: str
        candidates: list[dict[str, Any]]
        content: dict[str, Any]
        at: datetime
        also: list[str]
        actor: dict[str, str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 named one body only."""
            state["also"] = []

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Version 2 did not name the admin who disposed by hand."""
            state["actor"] = None

    class Redisposed(Aggregate.Event):
        """The report went from one body to another (`actor`: the admin, when by hand)."""

        class_version = 2
        report_id: UUID
        tracking_id: str
        from_code: str
        skpd_code: str
        skpd_name: str
        method: str
        reason: str
        content: dict[str, Any]
        at: datetime
        actor: dict[str, str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the admin who re-disposed by hand."""
            state["actor"] = None

    class SentToTriage(Aggregate.Event):
        """The admin must choose the body."""

        report_id: UUID
        tracking_id: str
        title: str
        excerpt: str
        reason: str
        candidates: list[dict[str, Any]]
        at: datetime

    class Escalated(Aggregate.Event):
        """Refused too often: the report went up to `skpd_code` (to triage if `awaiting`)."""

        report_id: UUID
        tracking_id: str
        skpd_code: str
        skpd_name: str
        rejected_by: list[str]
        reason: str
        awaiting: bool
        content: dict[str, Any]
        at: datetime

    class Returned(Aggregate.Event):
        """The body holding the report said "bukan wewenang"."""

        rejected_by: str
        reason: str
        suggested_code: str | None
        message_id: str
        at: datetime

    @property
    def title(self) -> str:
        """The report's title (may be empty for SMS and chat reports)."""
        return str(self.content.get("title") or "")

    @property
    def excerpt(self) -> str:
        """The start of the report's text, for lists."""
        return excerpt(str(self.content.get("text") or ""))

    def is_at(self, code: str) -> bool:
        """Whether the report is disposed to this body now."""
        return self.skpd_code == code

    def has_seen_return(self, message_id: str) -> bool:
        """Whether this return message was already acted on."""
        return message_id in self.returns_seen

    def dispose(
        self,
        code: str,
        name: str,
        *,
        method: str,
        reason: str,
        at: datetime,
        confidence: float = 1.0,
        candidates: list[dict[str, Any]] | None = None,
        also: list[str] | None = None,
        actor: dict[str, str] | None = None,
    ) -> None:
        """Send the report to a body: a first disposition, or a re-disposition if it had one.

        `actor` (`role`, `name`) is the person who decided, when a person did.
        """
        from_code = self.skpd_code or self.previous_code
        if from_code is None:
            self._disposed(
                report_id=self.report_id, tracking_id=self.tracking_id, skpd_code=code,
                skpd_name=name, method=method, confidence=confidence, reason=reason,
                candidates=list(candidates or []), content=self.content, at=at,
                also=[c for c in also or [] if c != code], actor=actor,
            )  # fmt: skip
        else:
            self._redisposed(
                report_id=self.report_id, tracking_id=self.tracking_id, from_code=from_code,
                skpd_code=code, skpd_name=name, method=method, reason=reason,
                content=self.content, at=at, actor=actor,
            )  # fmt: skip

    def send_to_triage(self, reason: str, candidates: list[dict[str, Any]], at: datetime) -> None:
        """Leave the choice of body to the admin (Tim LAPOR kota)."""
        self._sent_to_triage(
            self.report_id, self.tracking_id, self.title, self.excerpt, reason, candidates, at
        )

    @property
    def refusals(self) -> int:
        """How many times a body said "bukan wewenang"."""
        return len(self.rejected_by)

    def escalate(self, code: str, name: str, *, reason: str, awaiting: bool, at: datetime) -> None:
        """Push the report up to `code` (to triage when `awaiting`), naming who refused it."""
        self._escalated(
            report_id=self.report_id, tracking_id=self.tracking_id, skpd_code=code,
            skpd_name=name, rejected_by=list(self.rejected_by), reason=reason,
            awaiting=awaiting, content=self.content, at=at,
        )  # fmt: skip

    def record_return(
        self,
        rejected_by: str,
        reason: str,
        suggested_code: str | None,
        message_id: str,
        at: datetime,
    ) -> None:
        """A body said "bukan wewenang": the report leaves it."""
        self.check_disposed_to(rejected_by)
        self._returned(rejected_by, reason, suggested_code, message_id, at)

    def next_body(self, suggested: str | None, routable: Container[str]) -> str | None:
        """The body to try after a return: the suggestion, else the best untried candidate."""
        refused = set(self.rejected_by)
        if suggested and suggested in routable and suggested not in refused:
            return suggested
        for candidate in self.candidates:
            code = str(candidate["code"])
            if code in routable and code not in refused:
                return code
        return None

    def check_disposed_to(self, code: str) -> None:
        """Only the body holding the report may return it."""
        if self.skpd_code != code:
            raise NotDisposedTo(code, self.skpd_code)

    @event(Disposed)
    def _disposed(
        self,
        report_id: UUID,
        tracking_id: str,
        skpd_code: str,
        skpd_name: str,
        method: str,
        confidence: float,
        reason: str,
        candidates: list[dict[str, Any]],
        content: dict[str, Any],
        at: datetime,
        also: list[str],
        actor: dict[str, str] | None,
    ) -> None:
        self.skpd_code = skpd_code
        self.awaiting_triage = False
        self.also = list(also)
        if candidates:
            self.candidates = list(candidates)

    @event(Escalated)
    def _escalated(
        self,
        report_id: UUID,
        tracking_id: str,
        skpd_code: str,
        skpd_name: str,
        rejected_by: list[str],
        reason: str,
        awaiting: bool,
        content: dict[str, Any],
        at: datetime,
    ) -> None:
        self.escalated_to.append(skpd_code)
        self.awaiting_triage = awaiting
        self.skpd_code = None if awaiting else skpd_code

    @event(Redisposed)
    def _redisposed(
        self,
        report_id: UUID,
        tracking_id: str,
        from_code: str,
        skpd_code: str,
        skpd_name: str,
        method: str,
        reason: str,
        content: dict[str, Any],
        at: datetime,
        actor: dict[str, str] | None,
    ) -> None:
        self.previous_code = from_code
        self.skpd_code = skpd_code
        self.awaiting_triage = False

    @event(SentToTriage)
    def _sent_to_triage(
        self,
        report_id: UUID,
        tracking_id: str,
        title: str,
        excerpt: str,
        reason: str,
        candidates: list[dict[str, Any]],
        at: datetime,
    ) -> None:
        if candidates:
            self.candidates = list(candidates)
        self.awaiting_triage = True

    @event(Returned)
    def _returned(
        self,
        rejected_by: str,
        reason: str,
        suggested_code: str | None,
        message_id: str,
        at: datetime,
    ) -> None:
        self.rejected_by.append(rejected_by)
        self.returns_seen.append(message_id)
        self.previous_code = rejected_by
        self.skpd_code = None


TOPIC = f"{Disposition.__module__}:{Disposition.__qualname__}"  # as eventsourcing names it
