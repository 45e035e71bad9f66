"""A claimed tracking id: proves an id is taken, so two reports never share one."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class TrackingIdClaim(Aggregate):
    """One tracking id and the report that holds it."""

    @event("Claimed")
    def __init__(self, id: UUID, tracking_id: str, report_id: UUID) -> None:
        self.tracking_id = tracking_id
        self.report_id = report_id
