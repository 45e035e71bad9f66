"""Where a report is: the kecamatan office that serves it, from its location or its text."""

from __future__ import annotations

from routing.domain.router import RoutableReport
from shared import geography


def area_body(report: RoutableReport) -> str | None:
    """The directory code of the kecamatan office for the report's place, or None if unknown."""
    place = geography.canonical(report.kecamatan, report.kelurahan)
    if place is None:
        place = geography.find_place(f"{report.title} {report.text}")
    if place is None:
        return None
    return geography.kecamatan().get(place.kecamatan)
