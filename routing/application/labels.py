"""The admin's choices as labelled data: one JSON-ready row per report the admin disposed.

Rows have the fields of the reference examples (`id`, `channel`, `kind`, `title`, `text`,
`location`, `expected_skpd`, `note`), so `lapor routing train --labels FILE` can learn from them.
The admin's last choice for a report is its label.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from routing.domain.disposition import Disposition

TOPICS = (
    get_topic(Disposition.Opened),
    get_topic(Disposition.Disposed),
    get_topic(Disposition.Redisposed),
)
ADMIN = "admin"


def admin_labels(app: Application[UUID], page_size: int = 500) -> Iterator[dict[str, Any]]:
    """Every report the admin disposed, labelled with the admin's (last) choice."""
    opened: dict[UUID, Disposition.Opened] = {}
    chosen: dict[UUID, tuple[str, str]] = {}
    position = 0
    while True:
        page = app.recorder.select_notifications(
            position, page_size, topics=TOPICS, inclusive_of_start=False
        )
        for notification in page:
            event = app.mapper.to_domain_event(notification)
            if isinstance(event, Disposition.Opened):
                opened[event.originator_id] = event
            elif isinstance(event, Disposition.Disposed | Disposition.Redisposed) and (
                event.method == ADMIN
            ):
                chosen[event.originator_id] = (event.skpd_code, event.reason)
            position = notification.id
        if len(page) < page_size:
            break
    for originator, (code, reason) in chosen.items():
        if originator in opened:
            yield _row(opened[originator], code, reason)


def _row(opened: Disposition.Opened, code: str, reason: str) -> dict[str, Any]:
    content = opened.content
    return {
        "id": opened.tracking_id,
        "channel": content.get("channel"),
        "kind": content.get("kind"),
        "title": content.get("title") or "",
        "text": content.get("text") or "",
        "location": content.get("location") or {},
        "expected_skpd": code,
        "note": f"admin: {reason}",
    }
