"""Deadlines that act: each step on the holiday calendar, escalation, reply window, auto-close."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from tracking_helpers import (
    DISPOSITIONS,
    PDAM_ACTIONS,
    REPORTS,
    Feed,
    FixedClock,
    Report,
    at_wita,
)

from shared import contracts as c
from shared.contracts import StatusBucket
from tracking.bootstrap import TrackingParts

# Thursday 27 March 2025, the day before Nyepi's joint holiday and the Idul Fitri leave
# (28 March to 7 April 2025, weekends included): nothing is working until Tuesday 8 April.
BEFORE_LEBARAN = at_wita(2025, 3, 27, 9, 0)


def _tick(parts: TrackingParts, clock: FixedClock, moment: object) -> None:
    parts.projector.catch_up()
    clock.set(moment)  # type: ignore[arg-type]
    parts.watch.check()
    parts.projector.catch_up()


def _received_at(report: Report, moment: object) -> c.ReportReceived:
    return report.received().model_copy(update={"occurred_at": moment, "received_at": moment})


def test_verification_of_a_report_filed_before_lebaran_is_due_after_the_leave(feed: Feed) -> None:
    feed.send(REPORTS, _received_at(Report(), BEFORE_LEBARAN))
    assert feed.published()[-1].due_at == at_wita(2025, 4, 10, 9, 0)


def test_held_report_keeps_its_three_day_verification_deadline(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, _received_at(report, BEFORE_LEBARAN))
    held = c.ReportHeld(
        report_id=report.report_id,
        tracking_id=report.tracking_id,
        occurred_at=BEFORE_LEBARAN,
        reason="banjir laporan",
    )
    feed.send(REPORTS, held)
    assert feed.published()[-1].due_at == at_wita(2025, 4, 10, 9, 0)


def test_first_follow_up_after_a_disposition_before_lebaran_is_due_after_it(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, _received_at(report, BEFORE_LEBARAN))
    feed.send(DISPOSITIONS, report.disposed(at=BEFORE_LEBARAN + timedelta(hours=1)))
    assert feed.published()[-1].due_at == at_wita(2025, 4, 14, 10, 0)  # 8, 9, 10, 11, 14 April


def test_resolution_is_due_fourteen_working_days_after_a_disposition_before_lebaran(
    feed: Feed,
) -> None:
    report = Report()
    disposed_at = BEFORE_LEBARAN + timedelta(hours=1)
    feed.send(REPORTS, _received_at(report, BEFORE_LEBARAN))
    feed.send(DISPOSITIONS, report.disposed(at=disposed_at))
    follow_up = report.follow_up().model_copy(update={"occurred_at": disposed_at})
    feed.send(PDAM_ACTIONS, follow_up)
    # 8 April onwards, 18 April (Good Friday) skipped: 8-11, 14-17, 21-25, 28 April.
    assert feed.published()[-1].due_at == at_wita(2025, 4, 28, 10, 0)


def test_missed_deadline_escalates_after_the_grace(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    feed.send(REPORTS, Report().received())  # verification due Thursday 15 August 09:00
    _tick(parts, clock, at_wita(2024, 8, 15, 9, 30))
    _tick(parts, clock, at_wita(2024, 8, 19, 8, 30))  # two working days' grace: Fri 16, Mon 19
    assert "CaseEscalated" not in feed.types()
    _tick(parts, clock, at_wita(2024, 8, 19, 9, 0))
    escalated = feed.published()[-1]
    assert isinstance(escalated, c.CaseEscalated)
    assert escalated.step == "verifikasi-disposisi"


def test_escalation_is_recorded_once(parts: TrackingParts, feed: Feed, clock: FixedClock) -> None:
    feed.send(REPORTS, Report().received())
    _tick(parts, clock, at_wita(2024, 8, 26, 9, 0))
    _tick(parts, clock, at_wita(2024, 8, 27, 9, 0))
    assert feed.types().count("CaseEscalated") == 1


def _answered(feed: Feed, report: Report) -> None:
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    feed.send(PDAM_ACTIONS, report.follow_up(), report.resolve())  # resolved Mon 12 Aug 13:00


def test_reply_window_warns_a_working_day_before_it_ends(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    _answered(feed, Report())
    _tick(parts, clock, at_wita(2024, 8, 23, 13, 30))  # ten working days end Mon 26 Aug 13:00
    approaching = feed.published()[-1]
    assert isinstance(approaching, c.DeadlineApproaching)
    assert (approaching.step, approaching.deadline) == ("tanggapan", at_wita(2024, 8, 26, 13, 0))


def test_no_reply_within_ten_working_days_closes_the_case_as_selesai(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    report = Report()
    _answered(feed, report)
    _tick(parts, clock, at_wita(2024, 8, 26, 13, 1))
    missed, closed = feed.published()[-2:]
    assert (missed.event_type, getattr(missed, "step", None)) == ("DeadlineMissed", "tanggapan")
    assert isinstance(closed, c.CaseClosed)
    assert closed.status == StatusBucket.SELESAI


def test_a_reply_stops_the_auto_close(parts: TrackingParts, feed: Feed, clock: FixedClock) -> None:
    report = Report()
    _answered(feed, report)
    reply = c.ReporterReplyReceived(
        report_id=report.report_id,
        tracking_id=report.tracking_id,
        occurred_at=at_wita(2024, 8, 13, 8, 0),
        received_at=at_wita(2024, 8, 13, 8, 0),
        channel=c.Channel.SMS,
        text="Belum beres, air masih keruh",
    )
    feed.send(REPORTS, reply)
    _tick(parts, clock, at_wita(2024, 8, 26, 13, 1))
    assert "CaseClosed" not in feed.types()


def test_public_status_says_an_auto_closed_case_is_closed(
    parts: TrackingParts, feed: Feed, clock: FixedClock, client: TestClient
) -> None:
    report = Report()
    _answered(feed, report)
    _tick(parts, clock, at_wita(2024, 8, 26, 13, 1))
    body = client.get(f"/v1/reports/{report.tracking_id}").json()
    assert (body["status"], body["closed"]) == ("Terdisposisi: Selesai", True)
    assert body["events"][-1]["type"] == "CaseClosed"
