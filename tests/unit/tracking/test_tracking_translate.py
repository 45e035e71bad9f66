"""What tracking publishes for its stored case events."""

from __future__ import annotations

from tracking_helpers import DISPOSITIONS, PDAM_ACTIONS, REPORTS, Feed, Report

from shared import topics
from shared.processing import derived_id
from tracking.application.translate import translate


def _outgoing(feed: Feed) -> list:  # type: ignore[type-arg]
    app = feed.app
    found = []
    for notification in app.recorder.select_notifications(0, 100):
        found += translate(app.mapper.to_domain_event(notification))
    return found


def test_case_events_go_to_the_cases_topic_keyed_by_report_id(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    [out] = _outgoing(feed)
    assert (out.topic, out.key) == (topics.CASES, str(report.report_id))


def test_case_event_ids_derive_from_the_stored_event(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    [out] = _outgoing(feed)
    assert out.event.event_id == derived_id(report.report_id, 1, 0)


def test_early_messages_waiting_for_their_case_publish_nothing(feed: Feed) -> None:
    feed.send(DISPOSITIONS, Report().disposed())
    assert _outgoing(feed) == []


def test_every_case_event_carries_who_to_tell(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.follow_up())
    follow_up = _outgoing(feed)[-1].event
    assert (follow_up.reporter_ref, follow_up.channel, follow_up.text) == (
        "rep-0001",
        "sms",
        "Petugas sudah memperbaiki pipa yang bocor",
    )
