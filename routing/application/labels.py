"""The city's own decisions as labelled data: one JSON-ready row per report a person placed.

A label is the admin's last choice for a report (from triage or a re-disposition by hand), or,
for a report a body returned ("bukan wewenang"), the body it went to next if that body has not
returned it too (an accepted re-disposition). Rows have the fields of the reference examples
(`id`, `channel`, `kind`, `title`, `text`, `location`, `expected_skpd`, `note`), so `lapor routing
train` can learn from them. They carry no identity: the id is opaque, the location has no address.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from routing.domain.disposition import Disposition
from shared.processing import derived_id

CREATED = (Disposition.Opened, Disposition.Routed, Disposition.Triaged)
MOVES = (Disposition.Disposed, Disposition.Redisposed, Disposition.Escalated, Disposition.Returned)
TOPICS = tuple(get_topic(cls) for cls in (*CREATED, *MOVES))
ADMIN = "admin"


def admin_labels(app: Application[UUID], page_size: int = 500) -> Iterator[dict[str, Any]]:
    """Every report the admin placed, or that a body accepted after another returned it."""
    content: dict[UUID, dict[str, Any]] = {}
    labels: dict[UUID, tuple[str, str]] = {}
    returned: set[UUID] = set()
    position = 0
    while True:
        page = app.recorder.select_notifications(
            position, page_size, topics=TOPICS, inclusive_of_start=False
        )
        for notification in page:
            _read(app.mapper.to_domain_event(notification), content, labels, returned)
            position = notification.id
        if len(page) < page_size:
            break
    for originator, (code, note) in labels.items():
        if originator in content:
            yield _row(originator, content[originator], code, note)


def _read(
    event: Any,
    content: dict[UUID, dict[str, Any]],
    labels: dict[UUID, tuple[str, str]],
    returned: set[UUID],
) -> None:
    originator = event.originator_id
    if isinstance(event, CREATED):
        content[originator] = event.content
    elif isinstance(event, Disposition.Returned):
        returned.add(originator)
        if labels.get(originator, ("", ""))[0] == event.rejected_by:
            del labels[originator]  # that choice was refused in its turn
    elif isinstance(event, Disposition.Disposed | Disposition.Redisposed):
        if event.method == ADMIN:
            labels[originator] = (event.skpd_code, f"admin: {event.reason}")
        elif originator in returned:
            labels[originator] = (event.skpd_code, f"diterima setelah dikembalikan: {event.reason}")


def _row(originator: UUID, content: dict[str, Any], code: str, note: str) -> dict[str, Any]:
    location = dict(content.get("location") or {})
    location.pop("address", None)
    return {
        "id": f"d-{derived_id('label', originator).hex[:12]}",
        "channel": content.get("channel"),
        "kind": content.get("kind"),
        "title": content.get("title") or "",
        "text": content.get("text") or "",
        "location": location,
        "category": content.get("category"),
        "expected_skpd": code,
        "note": note,
    }
