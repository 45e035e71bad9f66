"""Working days on a holiday calendar, counted in one time zone (pure functions)."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

# A calendar on which no working day is found within this many days is broken, not busy.
_MAX_SCAN_DAYS = 3660


class NaiveDatetime(ValueError):
    """Deadlines are computed from aware datetimes only."""


def is_working_day(day: date, holidays: Container[date]) -> bool:
    """Monday to Friday, and not a holiday or collective leave."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    moment: datetime, days: int, holidays: Container[date], zone: tzinfo
) -> datetime:
    """The same local time `days` working days later (earlier when negative), in `zone`."""
    if moment.tzinfo is None:
        raise NaiveDatetime(f"{moment.isoformat()} carries no time zone")
    local = moment.astimezone(zone)
    day = working_day_from(local.date(), days, holidays)
    return datetime.combine(day, local.time(), tzinfo=zone)


def working_day_from(start: date, days: int, holidays: Container[date]) -> date:
    """The day `days` working days after `start` (before it when negative)."""
    try:
        return _working_day_from(start, days, holidays)  # type: ignore[arg-type]
    except TypeError:  # an unhashable calendar (a plain set): counted each time
        return _working_day_from.__wrapped__(start, days, holidays)


@lru_cache(maxsize=4096)
def _working_day_from(start: date, days: int, holidays: Container[date]) -> date:
    """The day `days` working days after `start` (before it when negative): every case event
    with a deadline asks, mostly for the same few days."""
    step = timedelta(days=1 if days >= 0 else -1)
    day, remaining, scanned = start, abs(days), 0
    while remaining:
        day += step
        scanned += 1
        if scanned > _MAX_SCAN_DAYS:
            raise ValueError("the holiday calendar leaves no working days")
        if is_working_day(day, holidays):
            remaining -= 1
    return day
