"""A report's life as tracking orders it: from the messages it consumes to what it publishes."""

from __future__ import annotations

from tracking_helpers import (
    DISPOSITIONS,
    DLH,
    DLH_ACTIONS,
    PDAM,
    PDAM_ACTIONS,
    REPORTS,
    Feed,
    Report,
    at_wita,
)

from shared.contracts import CaseDisposed, CaseReturned, StatusBucket
from tracking.domain.errors import NotDisposedToBody


def test_case_opens_on_report_received(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    [opened] = feed.published()
    assert opened.event_type == "CaseOpened"
    assert (opened.tracking_id, opened.status) == (
        report.tracking_id,
        StatusBucket.BELUM_TERVERIFIKASI,
    )


def test_verification_is_due_three_working_days_after_receipt(feed: Feed) -> None:
    feed.send(REPORTS, Report().received())
    [opened] = feed.published()
    assert opened.due_at == at_wita(2024, 8, 15, 9, 0)


def test_disposition_before_receipt_still_publishes_opened_then_disposed(feed: Feed) -> None:
    report = Report()
    feed.send(DISPOSITIONS, report.disposed())
    assert feed.types() == []
    feed.send(REPORTS, report.received())
    assert feed.types() == ["CaseOpened", "CaseDisposed"]


def test_the_same_event_twice_changes_nothing(feed: Feed) -> None:
    report = Report()
    disposed = report.disposed()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, disposed)
    feed.send(DISPOSITIONS, disposed)  # a relay re-send: same event id, new offset
    assert feed.types() == ["CaseOpened", "CaseDisposed"]


def test_disposition_moves_the_case_to_the_body(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    disposed = feed.published()[-1]
    assert (disposed.status, disposed.skpd_code, disposed.skpd_name) == (
        StatusBucket.BELUM_DITINDAKLANJUTI,
        *PDAM,
    )


def test_action_from_a_body_the_report_is_not_disposed_to_is_rejected(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed(PDAM))
    [(_, rejection)] = feed.send(DLH_ACTIONS, report.acknowledge("DLH"))
    assert rejection.reason == NotDisposedToBody.__name__
    assert feed.types() == ["CaseOpened", "CaseDisposed"]


def test_acknowledgement_moves_the_case_to_sedang_diproses(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.acknowledge())
    assert feed.published()[-1].status == StatusBucket.SEDANG_DIPROSES


def test_resolve_moves_the_case_to_selesai(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.acknowledge(), report.follow_up(), report.resolve())
    resolved = feed.published()[-1]
    assert (resolved.event_type, resolved.status, resolved.due_at) == (
        "CaseResolved",
        StatusBucket.SELESAI,
        None,
    )


def test_resolved_case_takes_no_more_actions(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.resolve())
    [(_, rejection)] = feed.send(PDAM_ACTIONS, report.follow_up())
    assert rejection.reason == "CaseAlreadyResolved"


def test_not_competent_returns_the_case_to_wait_for_a_body(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.not_competent())
    returned = feed.published()[-1]
    assert isinstance(returned, CaseReturned)
    assert (returned.status, returned.skpd_code, returned.rejected_by) == (
        StatusBucket.BELUM_TERVERIFIKASI,
        None,
        "PDAM",
    )


def test_redisposition_names_the_previous_body(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.not_competent())
    feed.send(DISPOSITIONS, report.redisposed("PDAM", DLH))
    redisposed = feed.published()[-1]
    assert isinstance(redisposed, CaseDisposed)
    assert (redisposed.skpd_code, redisposed.previous_skpd_code) == ("DLH", "PDAM")


def test_action_that_comes_before_its_disposition_waits_for_it(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(PDAM_ACTIONS, report.acknowledge())
    feed.send(DISPOSITIONS, report.disposed())
    assert feed.types() == ["CaseOpened", "CaseDisposed", "CaseAcknowledged"]


def test_first_follow_up_is_due_five_working_days_after_disposition(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed(at=at_wita(2024, 8, 14, 10, 0)))
    # Saturday 17 August is Independence Day anyway: Thu, Fri, Mon, Tue, Wed.
    assert feed.published()[-1].due_at == at_wita(2024, 8, 21, 10, 0)


def test_published_events_keep_their_ids_when_translated_again(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    assert [e.event_id for e in feed.published()] == [e.event_id for e in feed.published()]
