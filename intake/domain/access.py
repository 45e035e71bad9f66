"""Before the vault tables: the bodies a report is disposed to, an aggregate (read to migrate)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from intake.domain.vault import disposed, redisposed


class ReportAccess(Aggregate):
    """The bodies a report is disposed to, as routing announced them."""

    @event("Started")
    def __init__(self, id: UUID, report_id: UUID) -> None:
        self.report_id = report_id
        self.bodies: tuple[str, ...] = ()

    def dispose(self, primary: str, also: tuple[str, ...]) -> None:
        """The report went to a body (and the `also` bodies of a cross-sector report)."""
        bodies = disposed(primary, also)
        if bodies != self.bodies:
            self._disposed(bodies=list(bodies))

    def redispose(self, from_code: str, to_code: str) -> None:
        """A body said "bukan wewenang": it loses access, the new body gains it."""
        bodies = redisposed(self.bodies, from_code, to_code)
        if bodies != self.bodies:
            self._disposed(bodies=list(bodies))

    @event("BodiesChanged")
    def _disposed(self, bodies: list[str]) -> None:
        self.bodies = tuple(bodies)

    def may_see(self, code: str) -> bool:
        """Whether the report is disposed to this body."""
        return code in self.bodies
