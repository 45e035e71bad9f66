"""The triage queue: reports waiting for the admin to choose a body.

A table beside the event store (`TriageTable`), kept right by the Disposition events that move
a report in or out of triage: each write adds the statements of its events (`triage_changes`),
run in the transaction that records them. The admin's list reads one page and a count. Stores
written before the table had none: `migrate_triage` builds it once from the stored events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from routing.domain.disposition import Disposition, excerpt
from routing.domain.router import Candidate
from shared.processing import Statement

MIGRATION = "k-triage-table"
PAGE = 1000  # stored events read per query by the migration


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


class TriageTable(Protocol):
    """The stored queue: a page and a count, and statements a write runs in its transaction."""

    def rows(self, limit: int | None, offset: int) -> list[dict[str, Any]]: ...

    def count(self) -> int: ...

    def enter(self, row: Mapping[str, Any]) -> Statement: ...

    def leave(self, report_id: UUID) -> Statement: ...

    def clear(self) -> Statement: ...


class Migrations(Protocol):
    """Where routing notes the migrations that ran, and runs their statements."""

    def run(self, statements: Sequence[Statement]) -> None: ...

    def migrated(self, name: str) -> bool: ...

    def mark_migrated(self, name: str) -> Statement: ...


TOPICS = (
    get_topic(Disposition.SentToTriage),
    get_topic(Disposition.Triaged),
    get_topic(Disposition.Disposed),
    get_topic(Disposition.Redisposed),
    get_topic(Disposition.Escalated),
)


def entering(event: Any) -> TriageItem | None:
    """The item a Disposition event puts in the queue, if it puts one there."""
    if isinstance(event, Disposition.SentToTriage | Disposition.Triaged):
        title, text, candidates = event.title, event.excerpt, event.candidates
    elif isinstance(event, Disposition.Escalated) and event.awaiting:
        title = str(event.content.get("title") or "")
        text, candidates = excerpt(str(event.content.get("text") or "")), []
    else:
        return None
    return TriageItem(
        report_id=UUID(str(event.report_id)),
        tracking_id=event.tracking_id,
        title=title,
        excerpt=text,
        reason=event.reason,
        candidates=tuple(Candidate(c["code"], c["score"]) for c in candidates),
        since=event.at,
    )


def leaving(event: Any) -> UUID | None:
    """The report a Disposition event takes out of the queue (disposed, or escalated to a body)."""
    if isinstance(event, Disposition.Disposed | Disposition.Redisposed | Disposition.Escalated):
        return UUID(str(event.report_id))
    return None


def triage_changes(table: TriageTable, events: Iterable[Any]) -> list[Statement]:
    """The statements that keep the queue right for these events, in their order."""
    statements: list[Statement] = []
    for event in events:
        item = entering(event)
        if item is not None:
            statements.append(table.enter(_row(item)))
        elif (report_id := leaving(event)) is not None:
            statements.append(table.leave(report_id))
    return statements


class TriageQueue:
    """Reports awaiting triage, oldest first (tie: tracking id), read from the table."""

    def __init__(self, table: TriageTable) -> None:
        self._table = table

    def page(self, limit: int | None = None, offset: int = 0) -> list[TriageItem]:
        """`limit` reports (None: all) after the first `offset`."""
        return [_item(row) for row in self._table.rows(limit, offset)]

    def pending(self) -> list[TriageItem]:
        """Every report now awaiting triage."""
        return self.page()

    def count(self) -> int:
        """How many reports await triage."""
        return self._table.count()


def migrate_triage(app: Application[UUID], table: TriageTable, migrations: Migrations) -> int:
    """Build the queue from the stored events, unless done before; how many reports wait."""
    if migrations.migrated(MIGRATION):
        return 0
    waiting: dict[UUID, TriageItem] = {}
    position = 0
    while True:
        page = app.recorder.select_notifications(
            position, PAGE, topics=TOPICS, inclusive_of_start=False
        )
        for notification in page:
            event = app.mapper.to_domain_event(notification)
            item = entering(event)
            if item is not None:
                waiting[item.report_id] = item
            elif (report_id := leaving(event)) is not None:
                waiting.pop(report_id, None)
            position = notification.id
        if len(page) < PAGE:
            break
    entered = [table.enter(_row(item)) for item in waiting.values()]
    migrations.run([table.clear(), *entered, migrations.mark_migrated(MIGRATION)])
    return len(entered)


def _row(item: TriageItem) -> dict[str, Any]:
    return {
        "report_id": str(item.report_id),
        "tracking_id": item.tracking_id,
        "title": item.title,
        "excerpt": item.excerpt,
        "reason": item.reason,
        "candidates": json.dumps([{"code": c.code, "score": c.score} for c in item.candidates]),
        "since": item.since.isoformat(),
        "since_at": item.since.timestamp(),
    }


def _item(row: Mapping[str, Any]) -> TriageItem:
    return TriageItem(
        report_id=UUID(row["report_id"]),
        tracking_id=row["tracking_id"],
        title=row["title"],
        excerpt=row["excerpt"],
        reason=row["reason"],
        candidates=tuple(Candidate(c["code"], c["score"]) for c in json.loads(row["candidates"])),
        since=datetime.fromisoformat(row["since"]),
    )
