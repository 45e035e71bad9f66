"""Escalation after repeated "bukan wewenang", and cross-sector reports told to every body."""

from __future__ import annotations

from routing_helpers import Feed, accepted, build, of_type, published, returned

from routing.application.app import RoutingApplication
from shared import topics
from shared.clock import FixedClock

HOSPITAL = "antrean di RSUD Sultan Suriansyah sangat panjang, perawat kasar kepada pasien"
ROADS_AND_PIPE = (
    "Jalan di gang kami berlubang besar dan aspalnya hancur, sudah banyak yang jatuh. "
    "Di ujung gang juga ada pipa PDAM bocor"
)


def refuse(feed: Feed, app: RoutingApplication, report: object) -> str:
    """The body now holding the report returns it; answers the body that refused."""
    holder = app.by_tracking_id(report.tracking_id).skpd_code  # type: ignore[attr-defined]
    assert holder is not None
    feed(returned(report, holder), topic=topics.CASES)  # type: ignore[arg-type]
    return holder


def test_second_refusal_escalates_to_the_parent_body(app: RoutingApplication, feed: Feed) -> None:
    report = accepted(HOSPITAL)
    feed(report)
    first = refuse(feed, app, report)
    assert first == "RSUD"
    second = refuse(feed, app, report)
    [escalated] = of_type(published(app), "ReportEscalated")
    assert escalated.event.rejected_by == ("RSUD", second)
    assert escalated.event.skpd_code == ("SETDA-HUMAS" if second == "DINKES" else "DINKES")
    assert "ditolak 2 kali" in escalated.event.reason


def test_escalation_to_a_body_routes_the_report_to_its_topic(clock: FixedClock) -> None:
    app: RoutingApplication = build(clock, escalate_after_returns=1).application
    feed = Feed(app)
    report = accepted(HOSPITAL)
    feed(report)
    refuse(feed, app, report)
    [escalated] = of_type(published(app), "ReportEscalated")
    assert (escalated.event.skpd_code, escalated.event.rejected_by) == ("DINKES", ("RSUD",))
    routed = [o.topic for o in of_type(published(app), "ReportRouted")]
    assert routed[-1] == topics.skpd_topic("DINKES")
    assert app.by_tracking_id(report.tracking_id).skpd_code == "DINKES"


def test_a_body_without_parent_escalates_to_the_admins_queue(clock: FixedClock) -> None:
    app: RoutingApplication = build(clock, escalate_after_returns=1).application
    feed = Feed(app)
    report = accepted("air PDAM mati sejak pagi, meteran air juga bocor")
    feed(report)
    refuse(feed, app, report)
    [escalated] = of_type(published(app), "ReportEscalated")
    assert (escalated.event.skpd_code, escalated.event.rejected_by) == ("SETDA-HUMAS", ("PDAM",))
    [item] = app.triage.pending()
    assert item.tracking_id == report.tracking_id and "dinaikkan" in item.reason


def test_the_hop_limit_is_configurable(clock: FixedClock) -> None:
    app: RoutingApplication = build(clock, escalate_after_returns=3).application
    feed = Feed(app)
    report = accepted(HOSPITAL)
    feed(report)
    refusers = [refuse(feed, app, report) for _ in range(2)]
    assert of_type(published(app), "ReportEscalated") == []
    refusers.append(refuse(feed, app, report))
    [escalated] = of_type(published(app), "ReportEscalated")
    assert list(escalated.event.rejected_by) == refusers
    assert escalated.event.skpd_code not in refusers


def test_cross_sector_report_is_told_to_every_body_on_its_own_topic(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(ROADS_AND_PIPE)
    feed(report)
    [disposed] = of_type(published(app), "ReportDisposed")
    bodies = [disposed.event.skpd_code, *disposed.event.also]
    assert set(bodies) == {"DPUPR", "PDAM"}
    routed = of_type(published(app), "ReportRouted")
    assert [o.topic for o in routed] == [topics.skpd_topic(code) for code in bodies]
    assert len({o.event.event_id for o in routed}) == 2
