"""The admin's side: the triage queue, and disposition by hand."""

from __future__ import annotations

import pytest
from routing_helpers import STREET_LIGHT, Feed, accepted, of_type, published, returned

from routing.application.app import RoutingApplication
from routing.domain.errors import ReportNotFound, UnknownBody
from shared import topics
from shared.contracts import DispositionMethod

UNCLEAR = "mohon diperhatikan, sudah lama begini terus"


def test_triage_queue_lists_reports_awaiting_triage(
    keyword_app: RoutingApplication, keyword_feed: Feed
) -> None:
    unclear, tied, clear = (
        accepted(UNCLEAR),
        accepted("jalan berlubang, lampu jalan mati"),
        accepted(STREET_LIGHT),
    )
    keyword_feed(unclear, tied, clear)
    items = keyword_app.triage.pending()
    assert [item.tracking_id for item in items] == sorted([unclear.tracking_id, tied.tracking_id])
    [tied_item] = [item for item in items if item.tracking_id == tied.tracking_id]
    assert {c.code for c in tied_item.candidates} == {"DPUPR", "DISPERKIM"}
    assert tied_item.excerpt.startswith("jalan berlubang")


def test_unsure_report_waits_in_triage_with_the_best_guesses(
    app: RoutingApplication, feed: Feed
) -> None:
    feed(accepted(UNCLEAR), accepted(STREET_LIGHT))
    [item] = app.triage.pending()
    assert item.candidates and "ambang" in item.reason
    assert [c.score for c in item.candidates] == sorted(
        (c.score for c in item.candidates), reverse=True
    )


def test_disposed_report_leaves_the_triage_queue(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(UNCLEAR)
    feed(report)
    queue = app.triage
    assert len(queue.pending()) == 1
    app.dispose_by_hand(report.tracking_id, "DPUPR", "jalan kota")
    assert queue.pending() == []


def test_report_refused_by_every_candidate_joins_the_triage_queue(
    keyword_app: RoutingApplication, keyword_feed: Feed
) -> None:
    report = accepted(STREET_LIGHT)
    keyword_feed(report)
    keyword_feed(returned(report, "DISPERKIM"), topic=topics.CASES)
    [item] = keyword_app.triage.pending()
    assert item.tracking_id == report.tracking_id


def test_admin_disposes_a_report_from_triage(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(UNCLEAR)
    feed(report)
    outcome = app.dispose_by_hand(report.tracking_id, "DPUPR", "jalan kota rusak")
    assert outcome.changed and outcome.disposition.skpd_code == "DPUPR"
    [disposed] = of_type(published(app), "ReportDisposed")
    assert disposed.event.method is DispositionMethod.ADMIN
    assert disposed.event.reason == "jalan kota rusak"
    assert [out.topic for out in of_type(published(app), "ReportRouted")] == [
        topics.skpd_topic("DPUPR")
    ]


def test_admin_redisposes_a_disposed_report(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(STREET_LIGHT)
    feed(report)
    app.dispose_by_hand(report.tracking_id, "DISHUB", "")
    [redisposed] = of_type(published(app), "ReportRedisposed")
    assert (redisposed.event.from_code, redisposed.event.skpd_code) == ("DISPERKIM", "DISHUB")
    assert redisposed.event.method is DispositionMethod.ADMIN


def test_admin_choosing_the_current_body_changes_nothing(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(STREET_LIGHT)
    feed(report)
    assert not app.dispose_by_hand(report.tracking_id, "DISPERKIM", "").changed
    assert of_type(published(app), "ReportRedisposed") == []


def test_admin_may_find_a_report_by_lower_case_tracking_id(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(STREET_LIGHT)
    feed(report)
    assert app.by_tracking_id(report.tracking_id.lower()).report_id == report.report_id


def test_unknown_tracking_id_is_not_found(app: RoutingApplication) -> None:
    with pytest.raises(ReportNotFound):
        app.dispose_by_hand("LPR-NOPE0000", "DPUPR", "")


def test_unknown_body_code_is_refused(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(UNCLEAR)
    feed(report)
    with pytest.raises(UnknownBody):
        app.dispose_by_hand(report.tracking_id, "DINAS-ANTAH", "")
