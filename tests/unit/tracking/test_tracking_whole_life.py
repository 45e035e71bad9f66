"""The rest of a case's life: the reporter's reply, rating and question, classes, shared bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tracking_helpers import (
    DISPOSITIONS,
    DLH,
    DLH_ACTIONS,
    PDAM_ACTIONS,
    REPORTS,
    START,
    Feed,
    Report,
    at_wita,
)

from shared import contracts as c
from shared.contracts import StatusBucket


def _reporter(report: Report, hours: int = 5) -> dict[str, object]:
    return {
        "report_id": report.report_id,
        "tracking_id": report.tracking_id,
        "occurred_at": START + timedelta(hours=hours),
        "received_at": START + timedelta(hours=hours),
        "channel": c.Channel.SMS,
    }


def _reply(report: Report, hours: int = 5) -> c.ReporterReplyReceived:
    return c.ReporterReplyReceived(**_reporter(report, hours), text="Air masih belum mengalir")


def _rating(report: Report, rating: int = 4) -> c.ReporterRatingReceived:
    return c.ReporterRatingReceived(**_reporter(report, 6), rating=rating, comment="cepat")


def _resolved(feed: Feed, report: Report) -> None:
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.acknowledge(), report.follow_up(), report.resolve())


def _classify(report: Report, days: int, code: str = "PDAM") -> c.Classify:
    at = START + timedelta(hours=2, minutes=30)
    return c.Classify(
        report_id=report.report_id,
        tracking_id=report.tracking_id,
        occurred_at=at,
        skpd_code=code,
        resolution_days=days,
        actor="Budi (Admin Penghubung)",
    )


def _disposed_with_dlh_sharing(feed: Feed, report: Report) -> None:
    feed.send(REPORTS, report.received())
    disposed = report.disposed().model_copy(update={"also": ("DLH",)})
    feed.send(DISPOSITIONS, disposed)


def test_reply_to_a_resolved_case_reopens_it(feed: Feed) -> None:
    report = Report()
    _resolved(feed, report)
    feed.send(REPORTS, _reply(report))
    assert feed.types()[-2:] == ["ReporterReplied", "CaseReopened"]
    assert feed.published()[-1].status == StatusBucket.SEDANG_DIPROSES


def test_reply_while_in_progress_is_recorded_without_reopening(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.follow_up())
    feed.send(REPORTS, _reply(report))
    replied = feed.published()[-1]
    assert isinstance(replied, c.ReporterReplied)
    assert (replied.text, replied.status) == (
        "Air masih belum mengalir",
        StatusBucket.SEDANG_DIPROSES,
    )


def test_rating_a_resolved_case_closes_it_and_it_stays_selesai(feed: Feed) -> None:
    report = Report()
    _resolved(feed, report)
    feed.send(REPORTS, _rating(report, 5))
    rated, closed = feed.published()[-2:]
    assert isinstance(rated, c.CaseRated) and rated.rating == 5
    assert isinstance(closed, c.CaseClosed)
    assert closed.status == StatusBucket.SELESAI


def test_rating_before_any_answer_is_refused(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    [(_, rejection)] = feed.send(REPORTS, _rating(report))
    assert rejection.reason == "NothingToRate"


def test_reply_to_a_closed_case_is_refused(feed: Feed) -> None:
    report = Report()
    _resolved(feed, report)
    feed.send(REPORTS, _rating(report))
    [(_, rejection)] = feed.send(REPORTS, _reply(report, 7))
    assert rejection.reason == "CaseIsClosed"


def test_status_question_publishes_where_the_case_stands(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(REPORTS, c.ReporterStatusRequested(**_reporter(report)))
    asked = feed.published()[-1]
    assert isinstance(asked, c.CaseStatusRequested)
    assert (asked.status, asked.skpd_code) == (StatusBucket.BELUM_DITINDAKLANJUTI, "PDAM")


def test_sixty_day_class_moves_the_resolution_deadline(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.follow_up(), _classify(report, 60))
    classified = feed.published()[-1]
    assert isinstance(classified, c.CaseClassified)
    assert (classified.resolution_days, classified.classified_by) == (60, "Budi (Admin Penghubung)")
    assert classified.actor == c.Actor(role="skpd:PDAM", name="Budi (Admin Penghubung)")
    # 60 working days from Monday 12 August 2024 10:00; Maulid Nabi (16 September) skipped.
    assert classified.due_at == at_wita(2024, 11, 5, 10, 0)


def test_a_class_the_sops_do_not_know_is_refused(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    [(_, rejection)] = feed.send(PDAM_ACTIONS, _classify(report, 30))
    assert rejection.reason == "UnknownResolutionClass"


def test_a_sharing_body_may_acknowledge_and_follow_up(feed: Feed) -> None:
    report = Report()
    _disposed_with_dlh_sharing(feed, report)
    feed.send(DLH_ACTIONS, report.acknowledge("DLH"), report.follow_up("DLH"))
    posted = feed.published()[-1]
    assert isinstance(posted, c.FollowUpPosted)
    assert (posted.body, posted.skpd_code) == ("DLH", "PDAM")


@pytest.mark.parametrize("move", ["resolve", "not_competent"])
def test_only_the_primary_body_resolves_or_returns(feed: Feed, move: str) -> None:
    report = Report()
    _disposed_with_dlh_sharing(feed, report)
    [(_, rejection)] = feed.send(DLH_ACTIONS, getattr(report, move)("DLH"))
    assert rejection.reason == "NotPrimaryBody"


def test_the_acting_person_is_recorded(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    siti = c.Actor(role="skpd:PDAM", name="Siti")
    feed.send(PDAM_ACTIONS, report.resolve().model_copy(update={"actor": siti}))
    resolved = feed.published()[-1]
    assert isinstance(resolved, c.CaseResolved)
    assert (resolved.actor, resolved.body) == (siti, "PDAM")


def test_a_body_system_still_sending_a_name_as_text_is_read_as_that_bodys_person(
    feed: Feed,
) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    wire = {**report.resolve().model_dump(mode="json"), "actor": "Siti Rahmah"}
    feed.send(PDAM_ACTIONS, c.Resolve.model_validate(wire))
    assert feed.published()[-1].actor == c.Actor(role="skpd:PDAM", name="Siti Rahmah")


def test_escalation_with_a_target_moves_the_case_there(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.not_competent())
    escalated = c.ReportEscalated(
        report_id=report.report_id,
        tracking_id=report.tracking_id,
        occurred_at=START + timedelta(days=1),
        reason="ditolak dua kali",
        skpd_code=DLH[0],
        skpd_name=DLH[1],
        rejected_by=("PDAM",),
    )
    feed.send(DISPOSITIONS, escalated)
    last = feed.published()[-1]
    assert isinstance(last, c.CaseEscalated)
    assert (last.skpd_code, last.status) == ("DLH", StatusBucket.BELUM_DITINDAKLANJUTI)
    feed.send(DLH_ACTIONS, report.acknowledge("DLH"))
    assert feed.types()[-1] == "CaseAcknowledged"


def test_resolving_a_closed_case_is_refused(feed: Feed) -> None:
    report = Report()
    _resolved(feed, report)
    feed.send(REPORTS, _rating(report))
    [(_, rejection)] = feed.send(PDAM_ACTIONS, report.follow_up())
    assert rejection.reason == "CaseIsClosed"


def test_early_reporter_message_waits_for_its_case(feed: Feed) -> None:
    report = Report()
    question = c.ReporterStatusRequested(**_reporter(report))
    feed.send(REPORTS, question)
    feed.send(REPORTS, report.received())
    assert feed.types() == ["CaseOpened", "CaseStatusRequested"]
