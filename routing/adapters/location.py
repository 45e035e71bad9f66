"""Where a report is: the kecamatan office that serves it, from its location or its text."""

from __future__ import annotations

from functools import lru_cache

from routing.domain.router import RoutableReport
from shared import geography


def area_body(report: RoutableReport) -> str | None:
    """The directory code of the kecamatan office for the report's place, or None if unknown."""
    if report.kecamatan or report.kelurahan:
        found = _given(report.kecamatan, report.kelurahan)
        if found is not None:
            return found[0]
    place = geography.find_place(f"{report.title} {report.text}")
    if place is None:
        return None
    return geography.kecamatan().get(place.kecamatan)


@lru_cache(maxsize=4096)
def _given(kecamatan: str | None, kelurahan: str | None) -> tuple[str | None] | None:
    """The office for a location as written (a city has a few hundred ways of writing its
    places, so each is looked up once), or None if the location names no place of the city."""
    place = geography.canonical(kecamatan, kelurahan)
    return None if place is None else (geography.kecamatan().get(place.kecamatan),)
