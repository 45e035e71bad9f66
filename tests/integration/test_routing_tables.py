"""Routing's tables on both real stores (the tracking-id index, the triage queue): written with
the disposing batch or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from routing.application.app import RoutingApplication
from routing.application.triage import MIGRATION
from routing.bootstrap import bootstrap
from routing.settings import RoutingSettings
from shared.clock import FixedClock
from shared.contracts import CaseReturned, Channel, ReportAccepted, ReportKind, StatusBucket
from shared.processing import Statement
from shared.settings import CommonSettings

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WATER = "air PDAM mati sejak pagi, meteran air juga bocor"
UNCLEAR = "mohon diperhatikan, sudah lama begini terus"


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
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def open_routing(
    store_env: dict[str, str], clock: FixedClock
) -> Iterator[Callable[[], RoutingApplication]]:
    opened: list[RoutingApplication] = []

    def open_() -> RoutingApplication:
        settings = RoutingSettings(
            common=CommonSettings(database_url=None), escalate_after_returns=1
        )
        app: RoutingApplication = bootstrap(settings, clock=clock, env=dict(store_env)).application
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


def returned(report: ReportAccepted, by: str) -> CaseReturned:
    return CaseReturned(
        occurred_at=START, report_id=report.report_id, tracking_id=report.tracking_id,
        channel=report.channel, kind=report.kind, reporter_ref=report.reporter_ref,
        status=StatusBucket.BELUM_TERVERIFIKASI, rejected_by=by, reason="bukan wewenang kami",
    )  # fmt: skip


def waiting(app: RoutingApplication) -> list[str]:
    return [item.tracking_id for item in app.triage.pending()]


def test_the_triage_queue_moves_with_its_events_and_pages_after_a_restart(
    open_routing: Callable[[], RoutingApplication], clock: FixedClock
) -> None:
    app = open_routing()
    unsure = [accepted(UNCLEAR) for _ in range(3)]
    water = accepted(WATER)
    app.process_batch([*unsure, water], Tracking("lapor.reports.v1:0", 1))
    clock.advance(timedelta(minutes=5))
    app.process_batch([returned(water, "PDAM")], Tracking("lapor.cases.v1:0", 1))  # escalated
    app.dispose_by_hand(unsure[1].tracking_id, "DPUPR", "jalan kota")
    again = open_routing()
    expected = [*sorted(r.tracking_id for r in (unsure[0], unsure[2])), water.tracking_id]
    assert waiting(again) == expected
    assert again.triage.count() == 3
    assert [i.tracking_id for i in again.triage.page(limit=1, offset=2)] == [water.tracking_id]
    again.dispose_by_hand(water.tracking_id, "DLH", "")  # Redisposed: out of the queue
    assert waiting(open_routing()) == expected[:2]


def test_a_triaging_batch_whose_position_does_not_advance_queues_nothing(
    open_routing: Callable[[], RoutingApplication],
) -> None:
    app = open_routing()
    app.process_batch([accepted(UNCLEAR)], Tracking("lapor.reports.v1:0", 5))
    with pytest.raises(IntegrityError):
        app.process_batch([accepted(UNCLEAR)], Tracking("lapor.reports.v1:0", 5))
    assert app.triage.count() == 1


def test_a_store_without_the_triage_table_gets_its_queue_once(
    open_routing: Callable[[], RoutingApplication],
) -> None:
    app = open_routing()
    first, second = accepted(UNCLEAR), accepted(UNCLEAR)
    app.process_batch([first, second], Tracking("lapor.reports.v1:0", 1))
    app.dispose_by_hand(first.tracking_id, "DPUPR", "")
    app.tracking_ids.run(  # as main before this change left the store: no table, no marker
        [
            Statement("DROP TABLE routing_triage", {}),
            Statement("DELETE FROM routing_migrations WHERE name = :n", {"n": MIGRATION}),
        ]
    )
    app.close()
    again = open_routing()
    assert waiting(again) == [second.tracking_id]
    assert again.tracking_ids.migrated(MIGRATION)
