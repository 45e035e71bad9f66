"""Routing's tracking-id table on both real stores: written with the disposing batch or not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from routing.application.app import RoutingApplication
from routing.bootstrap import bootstrap
from routing.settings import RoutingSettings
from shared.clock import FixedClock
from shared.contracts import Channel, ReportAccepted, ReportKind
from shared.settings import CommonSettings

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WATER = "air PDAM mati sejak pagi, meteran air juga bocor"


def accepted(text: str) -> ReportAccepted:
    return ReportAccepted(
        occurred_at=START,
        report_id=uuid4(),
        tracking_id=f"LPR-{uuid4().hex[:8].upper()}",
        channel=Channel.SMS,
        kind=ReportKind.PENGADUAN,
        text=text,
        reporter_ref="ref-0123456789",
        received_at=START,
    )


@pytest.fixture
def open_routing(store_env: dict[str, str]) -> Iterator[Callable[[], RoutingApplication]]:
    opened: list[RoutingApplication] = []

    def open_() -> RoutingApplication:
        settings = RoutingSettings(common=CommonSettings(database_url=None))
        app: RoutingApplication = bootstrap(
            settings, clock=FixedClock(START), env=dict(store_env)
        ).application
        opened.append(app)
        return app

    yield open_
    for app in opened:
        app.close()


def test_a_disposed_report_is_found_by_its_tracking_id_after_a_restart(
    open_routing: Callable[[], RoutingApplication],
) -> None:
    report = accepted(WATER)
    open_routing().process_batch([report], Tracking("lapor.reports.v1:0", 1))
    again = open_routing()
    assert again.by_tracking_id(report.tracking_id).skpd_code == "PDAM"
    clash = accepted(WATER).model_copy(update={"tracking_id": report.tracking_id})
    [(_, rejection)] = again.process_batch([clash], Tracking("lapor.reports.v1:0", 2))
    assert rejection.reason == "duplicate-tracking-id"


def test_a_batch_whose_position_does_not_advance_indexes_nothing(
    open_routing: Callable[[], RoutingApplication],
) -> None:
    app = open_routing()
    first, second = accepted(WATER), accepted(WATER)
    app.process_batch([first], Tracking("lapor.reports.v1:0", 5))
    with pytest.raises(IntegrityError):
        app.process_batch([second], Tracking("lapor.reports.v1:0", 5))
    rows = app.tracking_ids.db.read("SELECT tracking_id FROM routing_tracking_ids", {})
    assert [row["tracking_id"] for row in rows] == [first.tracking_id]
