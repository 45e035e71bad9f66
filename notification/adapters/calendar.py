"""Working days in Banjarmasin: Monday to Friday, except Indonesia's public holidays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays


class IndonesianWorkingDays:
    """Weekends, Indonesian public holidays and configured collective leave are not working days."""

    def __init__(self, extra_days_off: Iterable[date] = ()) -> None:
        self._holidays = holidays.country_holidays("ID")
        self._off = frozenset(extra_days_off)

    def is_working_day(self, day: date) -> bool:
        """Whether offices are open on this day."""
        return day.weekday() < 5 and day not in self._holidays and day not in self._off
