"""Routing's policies: accepted reports are disposed once; returned ones go elsewhere."""

from __future__ import annotations

from routing_helpers import STREET_LIGHT, Feed, accepted, of_type, published, returned

from routing.application.app import RoutingApplication
from shared import topics
from shared.contracts import CaseOpened, ReportReceived, StatusBucket

WATER = "air PDAM mati sejak pagi, meteran air juga bocor"


def test_accepted_report_is_disposed_to_its_body(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(STREET_LIGHT)
    feed(report)
    disposition = app.by_tracking_id(report.tracking_id)
    assert disposition.skpd_code == "DISPERKIM"
    assert disposition.report_id == report.report_id


def test_same_report_accepted_twice_is_disposed_once(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(WATER)
    feed(report)
    feed(report)  # a relay re-send arrives at a new offset
    feed(report, report)
    assert len(of_type(published(app), "ReportDisposed")) == 1


def test_report_without_keywords_awaits_triage(app: RoutingApplication, feed: Feed) -> None:
    report = accepted("mohon diperhatikan, sudah lama begini terus")
    feed(report)
    [awaiting] = of_type(published(app), "ReportAwaitingTriage")
    assert awaiting.event.tracking_id == report.tracking_id
    assert app.by_tracking_id(report.tracking_id).awaiting_triage


def test_other_report_events_are_ignored(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(WATER)
    received = ReportReceived(**report.model_dump())
    assert feed(received) == []
    assert published(app) == []


def test_returned_report_goes_to_the_suggested_body(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(WATER)
    feed(report)
    feed(returned(report, "PDAM", suggested="PDPAL"), topic=topics.CASES)
    disposition = app.by_tracking_id(report.tracking_id)
    assert disposition.skpd_code == "PDPAL"
    [redisposed] = of_type(published(app), "ReportRedisposed")
    assert (redisposed.event.from_code, redisposed.event.skpd_code) == ("PDAM", "PDPAL")
    assert "bukan wewenang" in redisposed.event.reason


def test_returned_report_never_goes_back_to_the_body_that_refused_it(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted("pdam air mati, sampah juga menumpuk di depan rumah")
    feed(report)
    feed(returned(report, "PDAM", suggested="PDAM"), topic=topics.CASES)
    assert app.by_tracking_id(report.tracking_id).skpd_code == "DLH"


def test_returned_report_skips_every_body_that_refused_it(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted("pdam air mati, sampah juga menumpuk di depan rumah")
    feed(report)
    feed(returned(report, "PDAM"), topic=topics.CASES)
    feed(returned(report, "DLH", suggested="PDAM"), topic=topics.CASES)
    disposition = app.by_tracking_id(report.tracking_id)
    assert disposition.skpd_code is None
    assert disposition.awaiting_triage
    assert disposition.rejected_by == ["PDAM", "DLH"]


def test_returned_report_with_no_other_candidate_awaits_triage(
    keyword_app: RoutingApplication, keyword_feed: Feed
) -> None:
    report = accepted(STREET_LIGHT)
    keyword_feed(report)
    keyword_feed(returned(report, "DISPERKIM", suggested="NO-SUCH-BODY"), topic=topics.CASES)
    [awaiting] = of_type(published(keyword_app), "ReportAwaitingTriage")
    assert "DISPERKIM" in awaiting.event.reason


def test_same_return_twice_redisposes_once(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(WATER)
    feed(report)
    refusal = returned(report, "PDAM", suggested="PDPAL")
    feed(refusal, topic=topics.CASES)
    feed(refusal, topic=topics.CASES)
    assert len(of_type(published(app), "ReportRedisposed")) == 1


def test_return_from_a_body_not_holding_the_report_is_ignored(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(WATER)
    feed(report)
    assert feed(returned(report, "DLH"), topic=topics.CASES) == []
    assert app.by_tracking_id(report.tracking_id).skpd_code == "PDAM"


def test_return_of_an_unknown_report_is_rejected(app: RoutingApplication, feed: Feed) -> None:
    [rejection] = feed(returned(accepted(WATER), "PDAM"), topic=topics.CASES)
    assert rejection.reason == "ReportNotFound"


def test_other_case_events_are_ignored(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(WATER)
    opened = CaseOpened(
        **report.model_dump(exclude={"title", "text", "location", "received_at"}),
        status=StatusBucket.BELUM_TERVERIFIKASI,
    )
    assert feed(opened, topic=topics.CASES) == []
    assert published(app) == []


def test_a_tracking_id_already_naming_another_report_is_rejected(
    app: RoutingApplication, feed: Feed
) -> None:
    first = accepted(WATER)
    feed(first)
    clash = accepted(WATER).model_copy(update={"tracking_id": first.tracking_id})
    [rejection] = feed(clash)
    assert rejection.reason == "duplicate-tracking-id"


def test_return_suggesting_the_admin_goes_to_triage(app: RoutingApplication, feed: Feed) -> None:
    report = accepted("pdam air mati, sampah juga menumpuk di depan rumah")
    feed(report)
    feed(returned(report, "PDAM", suggested="SETDA-HUMAS"), topic=topics.CASES)
    assert app.by_tracking_id(report.tracking_id).awaiting_triage
