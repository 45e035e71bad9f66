"""What routing publishes: dispositions on their topic, the body's copy on the body's topic."""

from __future__ import annotations

import json

from routing_helpers import STREET_LIGHT, Feed, accepted, of_type, published, returned

from routing.application.app import RoutingApplication
from shared import topics
from shared.contracts import DispositionMethod
from shared.messaging import codec


def test_disposition_publishes_report_disposed_and_report_routed(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(STREET_LIGHT, kecamatan="Banjarmasin Utara")
    feed(report)
    disposed, routed = published(app)
    assert disposed.topic == topics.DISPOSITIONS
    assert disposed.event.event_type == "ReportDisposed"
    assert disposed.event.skpd_code == "DISPERKIM"
    assert disposed.event.skpd_name == "Dinas Perumahan Rakyat dan Kawasan Permukiman"
    assert disposed.event.method is DispositionMethod.RULE
    assert "lampu jalan" in disposed.event.reason
    assert routed.topic == topics.skpd_topic("DISPERKIM") == "lapor.skpd.DISPERKIM.v1"
    assert routed.event.event_type == "ReportRouted"
    assert (routed.event.text, routed.event.location.kecamatan) == (
        STREET_LIGHT,
        "Banjarmasin Utara",
    )


def test_everything_is_keyed_by_report_id(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(STREET_LIGHT)
    feed(report)
    assert {out.key for out in published(app)} == {str(report.report_id)}


def test_routed_report_carries_no_reporter(app: RoutingApplication, feed: Feed) -> None:
    feed(accepted(STREET_LIGHT, anonim=True))
    [routed] = of_type(published(app), "ReportRouted")
    wire = json.loads(codec.encode(routed.event))
    assert "reporter_ref" not in wire and "reporter" not in wire
    assert wire["anonim"] is True


def test_rahasia_report_still_goes_to_its_body(app: RoutingApplication, feed: Feed) -> None:
    feed(accepted(STREET_LIGHT, rahasia=True))
    [routed] = of_type(published(app), "ReportRouted")
    assert routed.topic == topics.skpd_topic("DISPERKIM")
    assert "rahasia" not in json.loads(codec.encode(routed.event))


def test_translating_again_gives_the_same_event_ids(app: RoutingApplication, feed: Feed) -> None:
    feed(accepted(STREET_LIGHT))
    first = [out.event.event_id for out in published(app)]
    assert first == [out.event.event_id for out in published(app)]
    assert len(set(first)) == len(first)


def test_triage_publishes_awaiting_triage_with_candidates(
    keyword_app: RoutingApplication, keyword_feed: Feed
) -> None:
    keyword_feed(accepted("jalan berlubang dan lampu jalan mati"))
    [awaiting] = published(keyword_app)
    assert awaiting.topic == topics.DISPOSITIONS
    assert awaiting.event.event_type == "ReportAwaitingTriage"
    assert {c.code for c in awaiting.event.candidates} == {"DPUPR", "DISPERKIM"}


def test_redisposition_publishes_redisposed_and_routes_to_the_new_body(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted("air PDAM mati sejak pagi")
    feed(report)
    feed(returned(report, "PDAM", suggested="PDPAL"), topic=topics.CASES)
    redisposed, routed = published(app)[2:]
    assert redisposed.topic == topics.DISPOSITIONS
    assert redisposed.event.event_type == "ReportRedisposed"
    assert routed.topic == topics.skpd_topic("PDPAL")
    assert routed.event.skpd_code == "PDPAL"


def test_published_events_read_back_from_the_wire(app: RoutingApplication, feed: Feed) -> None:
    feed(accepted(STREET_LIGHT))
    for out in published(app):
        assert codec.decode(out.topic, codec.encode(out.event), 65_536) == out.event
