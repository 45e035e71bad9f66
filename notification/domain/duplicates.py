"""The Duplicates aggregate: reporters whose reports were linked to an earlier one.

Legacy: stores written before the index tables hold its events; the migration
(`notification/application/migration.py`) reads them once into the tables, and nothing writes it
any more. Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Duplicates(Aggregate):
    """For one original report, the linked reports whose reporters hear when it moves."""

    class Started(Aggregate.Created):
        tracking_id: str

    class Linked(Aggregate.Event):
        link: dict[str, Any]

    @event(Started)
    def __init__(self, *, id: UUID, tracking_id: str) -> None:
        self.tracking_id = tracking_id
        self.links: list[dict[str, Any]] = []

    def link(self, link: dict[str, Any]) -> None:
        """Remember a linked report once (by its tracking id)."""
        if any(known["tracking_id"] == link["tracking_id"] for known in self.links):
            return
        self._link(link=link)

    @event(Linked)
    def _link(self, link: dict[str, Any]) -> None:
        self.links.append(dict(link))
