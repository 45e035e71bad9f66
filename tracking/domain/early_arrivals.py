"""Messages about a report that came before its case could take them (keep this module path).

Reports, dispositions and SKPD actions travel on separate topics, so a disposition may be
consumed before the report's receipt, or an action before its disposition. They wait here and
are applied, in order, once the case can take them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class EarlyArrivals(Aggregate):
    """The messages waiting for one report's case, each kept as its wire payload."""

    @event("Started")
    def __init__(self, id: UUID, report_id: UUID) -> None:  # id: the aggregate's
        self.report_id = report_id
        self.waiting: list[dict[str, Any]] = []

    @classmethod
    def first(
        cls,
        id: UUID,  # the aggregate's
        report_id: UUID,
        event_id: str,
        event_type: str,
        payload: dict[str, Any],
        source: dict[str, Any] | None = None,
    ) -> EarlyArrivals:
        """A place for one report's early messages, begun with the first of them (one event)."""
        early: EarlyArrivals = cls._create(
            cls.BegunWith, id=id, report_id=report_id, event_id=event_id,
            event_type=event_type, payload=payload, source=source,
        )  # fmt: skip
        return early

    def is_waiting(self, event_id: str) -> bool:
        """Whether a message already waits here (a re-send parks nothing new)."""
        return any(item["event_id"] == event_id for item in self.waiting)

    def park(
        self,
        event_id: str,
        event_type: str,
        payload: dict[str, Any],
        source: dict[str, Any] | None = None,
    ) -> None:
        """Keep a message, and the record it came in (to dead-letter it if refused later)."""
        if not self.is_waiting(event_id):
            self._parked(event_id, event_type, payload, source)

    def release(self) -> list[dict[str, Any]]:
        """Hand back every waiting message, oldest first, and forget them here."""
        waiting = list(self.waiting)
        if waiting:
            self._released([item["event_id"] for item in waiting])
        return waiting

    class Parked(Aggregate.Event):
        """A message waits; version 2 keeps the record it came in (`source`, or None)."""

        class_version = 2
        event_id: str
        event_type: str
        payload: dict[str, Any]
        source: dict[str, Any] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["source"] = None  # parked before records were kept

    class BegunWith(Aggregate.Created):
        """The place begins with its first message (one event where Started, Parked were two)."""

        report_id: UUID
        event_id: str
        event_type: str
        payload: dict[str, Any]
        source: dict[str, Any] | None

        def apply(self, aggregate: Any) -> None:
            item = {"event_id": self.event_id, "event_type": self.event_type}
            aggregate.waiting.append({**item, "payload": self.payload, "source": self.source})

    @event(Parked)
    def _parked(
        self,
        event_id: str,
        event_type: str,
        payload: dict[str, Any],
        source: dict[str, Any] | None,
    ) -> None:
        item = {"event_id": event_id, "event_type": event_type, "payload": payload}
        self.waiting.append({**item, "source": source})

    @event("Released")
    def _released(self, event_ids: list[str]) -> None:
        self.waiting = [item for item in self.waiting if item["event_id"] not in event_ids]
