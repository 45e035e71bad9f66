"""The Indonesian holiday calendar: public holidays, collective leave, and extra dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays


class IndonesianHolidays:
    """A `date in calendar` check over Indonesia's holidays (years load as they are asked)."""

    def __init__(self, *, collective_leave: bool, extra_dates: Iterable[date] = ()) -> None:
        categories = ("public", "government") if collective_leave else ("public",)
        self._country = holidays.country_holidays("ID", categories=categories)
        self._extra = frozenset(extra_dates)

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return day in self._extra or day in self._country

    def name(self, day: date) -> str | None:
        """What the day is, if it is a holiday."""
        if day in self._extra:
            return "Cuti bersama"
        found: str | None = self._country.get(day)
        return found
