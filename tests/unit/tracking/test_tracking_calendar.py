"""Working days on the Indonesian calendar, counted in WITA."""

from __future__ import annotations

from datetime import date

import pytest
from tracking_helpers import at_wita, utc

from shared.clock import WITA
from tracking.adapters.holidays import IndonesianHolidays
from tracking.domain.calendar import NaiveDatetime, add_working_days
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.status import Step

INDONESIA = IndonesianHolidays(collective_leave=True)


def test_working_days_skip_the_weekend() -> None:
    friday = at_wita(2024, 8, 9, 10, 0)
    assert add_working_days(friday, 3, INDONESIA, WITA) == at_wita(2024, 8, 14, 10, 0)


def test_independence_day_is_not_a_working_day() -> None:
    wednesday = at_wita(2023, 8, 16, 10, 0)  # Thursday 17 August 2023 is Hari Kemerdekaan
    assert add_working_days(wednesday, 3, INDONESIA, WITA) == at_wita(2023, 8, 22, 10, 0)


def test_working_days_are_counted_on_the_date_in_wita() -> None:
    # 20:00 UTC on 16 August is already 04:00 on the 17th, a holiday, in Banjarmasin.
    late_evening_utc = utc(2023, 8, 16, 20, 0)
    assert add_working_days(late_evening_utc, 1, INDONESIA, WITA) == at_wita(2023, 8, 18, 4, 0)


def test_collective_leave_counts_as_a_holiday() -> None:
    before_eid_leave = at_wita(2023, 4, 18, 9, 0)  # cuti bersama 19 to 25 April 2023
    assert add_working_days(before_eid_leave, 1, INDONESIA, WITA) == at_wita(2023, 4, 26, 9, 0)


def test_extra_leave_dates_from_settings_are_not_working_days() -> None:
    calendar = IndonesianHolidays(collective_leave=False, extra_dates=[date(2024, 8, 13)])
    monday = at_wita(2024, 8, 12, 9, 0)
    assert add_working_days(monday, 1, calendar, WITA) == at_wita(2024, 8, 14, 9, 0)


def test_warning_comes_one_working_day_before_the_deadline() -> None:
    policy = DeadlinePolicy(INDONESIA, WITA, 3, 5, 14, 1)
    deadline = policy.deadline(Step.FIRST_FOLLOW_UP, at_wita(2023, 8, 14, 9, 0))
    assert (deadline.due_at, deadline.warn_at) == (
        at_wita(2023, 8, 22, 9, 0),
        at_wita(2023, 8, 21, 9, 0),
    )


def test_deadlines_need_a_time_zone() -> None:
    with pytest.raises(NaiveDatetime):
        add_working_days(at_wita(2024, 8, 12, 9, 0).replace(tzinfo=None), 1, INDONESIA, WITA)
