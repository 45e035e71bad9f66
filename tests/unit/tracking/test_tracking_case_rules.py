"""Rules of the case aggregate itself (no application around it)."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from tracking_helpers import START, at_wita

from shared.clock import WITA
from tracking.adapters.holidays import IndonesianHolidays
from tracking.domain.case import Case
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.errors import NotDisposedToBody
from tracking.domain.status import Status
from tracking.domain.values import Cause, Report

POLICY = DeadlinePolicy(IndonesianHolidays(collective_leave=True), WITA, 3, 5, 14, 1)
REPORT = Report("LPR-RULES001", "web", "pengaduan", "rep-1", "Sampah menumpuk", START)


def _cause(hours: int) -> Cause:
    return Cause(str(uuid4()), START + timedelta(hours=hours))


def _disposed_case() -> Case:
    case = Case.open(uuid4(), _cause(0), REPORT, POLICY)
    case.dispose(_cause(1), "DLH", "Dinas Lingkungan Hidup", POLICY)
    return case


def _names(case: Case) -> list[str]:
    return [type(event).__name__ for event in case.collect_events()]


def test_first_follow_up_makes_resolution_due_fourteen_working_days_after_disposition() -> None:
    case = _disposed_case()
    case.post_follow_up(_cause(2), "DLH", "Sampah sudah diangkut", POLICY)
    # From Monday 12 August 2024 10:00: 17 August is a Saturday; 14 working days end on 30 Aug.
    assert (case.step, case.due_at) == ("penyelesaian", at_wita(2024, 8, 30, 10, 0))


def test_second_acknowledgement_records_nothing() -> None:
    case = _disposed_case()
    case.acknowledge(_cause(2), "DLH")
    case.acknowledge(_cause(3), "DLH")
    assert _names(case).count("Acknowledged") == 1


def test_only_the_body_holding_the_case_may_act() -> None:
    case = _disposed_case()
    with pytest.raises(NotDisposedToBody):
        case.resolve(_cause(2), "PDAM", "Sudah", POLICY)


def test_archived_case_has_no_deadline() -> None:
    case = Case.open(uuid4(), _cause(0), REPORT, POLICY)
    case.archive(_cause(1), "spam")
    assert (case.status, case.due_at) == (Status.ARSIP, None)


def test_held_case_waits_for_disposition_again_once_accepted() -> None:
    case = Case.open(uuid4(), _cause(0), REPORT, POLICY)
    case.hold(_cause(1), "flood")
    case.accept(_cause(2))
    assert case.status is Status.BELUM_TERVERIFIKASI


def test_acceptance_does_not_undo_a_disposition_that_came_first() -> None:
    case = _disposed_case()
    case.accept(_cause(2))
    assert case.status is Status.BELUM_DITINDAKLANJUTI


def test_deadline_warning_is_recorded_once_per_deadline() -> None:
    case = Case.open(uuid4(), _cause(0), REPORT, POLICY)
    case.review_deadlines(at_wita(2024, 8, 14, 9, 30), POLICY)
    case.review_deadlines(at_wita(2024, 8, 14, 10, 30), POLICY)
    assert _names(case).count("DeadlineApproaching") == 1


def test_a_new_deadline_may_be_warned_about_again() -> None:
    case = Case.open(uuid4(), _cause(0), REPORT, POLICY)
    case.review_deadlines(at_wita(2024, 8, 14, 9, 30), POLICY)
    case.dispose(Cause("d", at_wita(2024, 8, 14, 10, 0)), "DLH", "Dinas Lingkungan Hidup", POLICY)
    case.review_deadlines(at_wita(2024, 8, 20, 10, 30), POLICY)  # follow-up due Wed 21 Aug
    assert _names(case).count("DeadlineApproaching") == 2
