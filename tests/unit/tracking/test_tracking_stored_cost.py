"""What one report costs in stored events: what is observed apart, and nothing for bookkeeping."""

from __future__ import annotations

from tracking_helpers import DISPOSITIONS, REPORTS, START, Feed, Report

from shared import contracts as c


def _accepted(report: Report) -> c.ReportAccepted:
    return c.ReportAccepted(**report.received().model_dump(exclude={"event_id"}))


def _stored(feed: Feed) -> list[str]:
    notifications = feed.app.recorder.select_notifications(0, 1000)
    return [n.topic.rpartition(".")[2] for n in notifications]


def test_a_report_received_accepted_and_disposed_stores_two_case_events(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received(), _accepted(report))
    feed.send(DISPOSITIONS, report.disposed())
    assert _stored(feed) == ["Opened", "Disposed"]


def test_accepting_a_held_report_is_recorded_and_resumes_it(feed: Feed) -> None:
    report = Report()
    ids = {"report_id": report.report_id, "tracking_id": report.tracking_id}
    held = c.ReportHeld(**ids, occurred_at=START, reason="Perlu ditinjau")
    feed.send(REPORTS, report.received(), held, _accepted(report))
    assert _stored(feed) == ["Opened", "Held", "Accepted"]
    assert feed.app.repository.get(report.report_id).status == c.StatusBucket.BELUM_TERVERIFIKASI


def test_an_acceptance_sent_again_records_nothing(feed: Feed) -> None:
    report = Report()
    accepted = _accepted(report)
    feed.send(REPORTS, report.received(), accepted)
    feed.send(REPORTS, accepted)
    assert _stored(feed) == ["Opened"]


def test_a_disposition_before_its_report_waits_in_one_event_and_leaves_in_one(
    feed: Feed,
) -> None:
    report = Report()
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(REPORTS, report.received())
    assert _stored(feed) == ["BegunWith", "Opened", "Released", "Disposed"]
    assert feed.types() == ["CaseOpened", "CaseDisposed"]
