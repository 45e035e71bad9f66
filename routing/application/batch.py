"""The routing decisions of one consumed batch, taken in one call to the router.

The consumer asks the policy what it will read for every message of a batch before it applies
the policy to any (`wanted`); routing notes each report then, and the first report the policy
meets routes all the noted ones at once (the model vectorises the whole batch). A report nobody
noted (a caller that skips `wanted`) is routed alone.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from routing.domain.router import RoutableReport, Router, RoutingDecision

KEPT = 10_000


class BatchDecisions:
    """Reports waiting for a decision, and the decisions taken but not yet used."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self._waiting: dict[UUID, RoutableReport] = {}
        self._decided: dict[UUID, RoutingDecision] = {}

    def expect(self, report_id: UUID, report: RoutableReport) -> None:
        """Note a report the policy will route in this batch."""
        if report_id not in self._decided:
            self._waiting[report_id] = report

    def take(self, report_id: UUID, read: Callable[[], RoutableReport]) -> RoutingDecision:
        """The decision for this report: every waiting report is routed with it, in one call
        (`read`: the report as the router reads it, asked for only if it was not noted)."""
        found = self._decided.pop(report_id, None)
        if found is not None:
            return found
        if len(self._decided) > KEPT:  # noted in a batch that never reached its policy
            self._decided.clear()
        noted = self._waiting.pop(report_id, None)
        report = read() if noted is None else noted
        ids, reports = [report_id, *self._waiting], [report, *self._waiting.values()]
        self._waiting.clear()
        decisions = self.router.route_many(reports)
        self._decided.update(zip(ids[1:], decisions[1:], strict=True))
        return decisions[0]
