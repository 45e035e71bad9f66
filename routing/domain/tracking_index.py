"""The tracking-id index of stores written before F3: read once into the table, never written."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class TrackingIdEntry(Aggregate):
    """One tracking id -> report id pair, so the admin API can find a report by tracking id."""

    class Registered(Aggregate.Created):
        tracking_id: str
        report_id: UUID

    @event(Registered)
    def __init__(self, id: UUID, tracking_id: str, report_id: UUID) -> None:
        self.tracking_id = tracking_id
        self.report_id = report_id
