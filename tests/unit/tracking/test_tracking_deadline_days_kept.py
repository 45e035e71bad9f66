"""A policy's deadlines are what counting working days from the start and the due moment gives,
whichever start days it has counted before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.clock import WITA
from tracking.adapters.holidays import IndonesianHolidays
from tracking.domain.calendar import NaiveDatetime, add_working_days
from tracking.domain.deadlines import Deadline, DeadlinePolicy
from tracking.domain.status import Step

POLICY = DeadlinePolicy(
    holidays=IndonesianHolidays(collective_leave=True, extra_dates=()),
    zone=WITA,
    verify_days=3,
    follow_up_days=5,
    resolve_days=14,
    warn_days=1,
)
STARTS = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
OFFSETS = st.sampled_from([UTC, WITA, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))])


def _counted(policy: DeadlinePolicy, step: Step, start: datetime, days: int | None) -> Deadline:
    limit = policy.days_for(step) if days is None else days
    due = add_working_days(start, limit, policy.holidays, policy.zone)
    warn = add_working_days(due, -policy.warn_days, policy.holidays, policy.zone)
    return Deadline(step=step.value, due_at=due, warn_at=warn)


@settings(max_examples=300)
@given(
    starts=st.lists(STARTS, min_size=1, max_size=4),
    zone=OFFSETS,
    step=st.sampled_from(list(Step)),
    days=st.none() | st.integers(min_value=0, max_value=60),
)
def test_a_deadline_is_the_working_days_counted_from_its_start(
    starts: list[datetime], zone: timezone, step: Step, days: int | None
) -> None:
    for start in starts + starts:  # the second time from the days the policy kept
        local = start.astimezone(zone)
        found = POLICY.deadline(step, local, days)
        expected = _counted(POLICY, step, local, days)
        assert found == expected
        assert (found.due_at.tzinfo, found.warn_at.tzinfo) == (WITA, WITA)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(NaiveDatetime):
        POLICY.deadline(Step.VERIFY, datetime(2024, 8, 12, 9, 0))
