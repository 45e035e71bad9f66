"""The triage queue: reports waiting for the admin to choose a body.

A read model kept in memory and rebuilt by replay: on each read it catches up with the
service's own event log (only the three disposition events that move a report in or out of
triage), so it is correct across restarts and across instances sharing one event store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from routing.domain.disposition import Disposition, excerpt
from routing.domain.router import Candidate


@dataclass(frozen=True)
class TriageItem:
    """One report awaiting triage, as the admin's list shows it."""

    report_id: UUID
    tracking_id: str
    title: str
    excerpt: str
    reason: str
    candidates: tuple[Candidate, ...]
    since: datetime


class TriageQueue:
    """Reports awaiting triage, oldest first."""

    TOPICS = (
        get_topic(Disposition.SentToTriage),
        get_topic(Disposition.Triaged),
        get_topic(Disposition.Disposed),
        get_topic(Disposition.Redisposed),
        get_topic(Disposition.Escalated),
    )

    def __init__(self, app: Application[UUID], *, page_size: int = 500) -> None:
        self._app = app
        self._page_size = page_size
        self._position = 0
        self._items: dict[UUID, TriageItem] = {}
        self._lock = threading.Lock()

    def pending(self) -> list[TriageItem]:
        """Every report now awaiting triage."""
        with self._lock:
            self._catch_up()
            return sorted(self._items.values(), key=lambda item: (item.since, item.tracking_id))

    def _catch_up(self) -> None:
        while True:
            notifications = self._app.recorder.select_notifications(
                self._position, self._page_size, topics=self.TOPICS, inclusive_of_start=False
            )
            for notification in notifications:
                self._apply(self._app.mapper.to_domain_event(notification))
                self._position = notification.id
            if len(notifications) < self._page_size:
                return

    def _apply(self, event: Any) -> None:
        if isinstance(event, Disposition.SentToTriage | Disposition.Triaged):
            self._items[event.report_id] = TriageItem(
                report_id=event.report_id,
                tracking_id=event.tracking_id,
                title=event.title,
                excerpt=event.excerpt,
                reason=event.reason,
                candidates=tuple(Candidate(c["code"], c["score"]) for c in event.candidates),
                since=event.at,
            )
        elif isinstance(event, Disposition.Escalated) and event.awaiting:
            self._items[event.report_id] = TriageItem(
                report_id=event.report_id,
                tracking_id=event.tracking_id,
                title=str(event.content.get("title") or ""),
                excerpt=excerpt(str(event.content.get("text") or "")),
                reason=event.reason,
                candidates=(),
                since=event.at,
            )
        elif isinstance(
            event, Disposition.Disposed | Disposition.Redisposed | Disposition.Escalated
        ):
            self._items.pop(event.report_id, None)
