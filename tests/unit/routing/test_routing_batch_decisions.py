"""A batch's decisions: the noted reports routed in one call, a report built only if not noted."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import uuid4

from routing.application.batch import BatchDecisions
from routing.domain.router import RoutableReport, RoutingDecision


class CountingRouter:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def route(self, report: RoutableReport) -> RoutingDecision:
        return self.route_many([report])[0]

    def route_many(self, reports: Sequence[RoutableReport]) -> list[RoutingDecision]:
        self.calls.append([r.title for r in reports])
        return [RoutingDecision(r.title.upper(), 1.0, "uji") for r in reports]


def _never() -> RoutableReport:
    raise AssertionError("a noted report is not read again")


def test_noted_reports_are_routed_in_one_call_and_never_read_again() -> None:
    router = CountingRouter()
    decisions = BatchDecisions(router)
    first, second = uuid4(), uuid4()
    decisions.expect(first, RoutableReport("a", "teks"))
    decisions.expect(second, RoutableReport("b", "teks"))
    assert decisions.take(second, _never).code == "B"
    assert decisions.take(first, _never).code == "A"
    assert router.calls == [["b", "a"]]


def test_a_report_nobody_noted_is_read_then_routed_alone() -> None:
    router = CountingRouter()
    read: list[str] = []

    def report() -> RoutableReport:
        read.append("c")
        return RoutableReport("c", "teks")

    assert BatchDecisions(router).take(uuid4(), report).code == "C"
    assert read == ["c"] and router.calls == [["c"]]
