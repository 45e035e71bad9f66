"""The duplicate index: open reports by map cell and kelurahan, kept in intake's own store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application import ids
from intake.domain.duplicates import (
    DuplicateRules,
    Indexed,
    Matches,
    OpenReports,
    cell_of,
    content_words,
    find_matches,
    neighbourhood,
)
from intake.domain.report import Report, Submission
from shared.processing import BatchProcessApplication


def indexed(report_id: UUID, tracking_id: str, sub: Submission) -> Indexed:
    """A report as the index keeps it: where, when, and its content words."""
    where = sub.location
    return Indexed(
        report_id=str(report_id),
        tracking_id=tracking_id,
        at=sub.received_at,
        words=content_words(f"{sub.title}\n{sub.text}"),
        latitude=where.get("latitude"),
        longitude=where.get("longitude"),
        kelurahan=where.get("kelurahan"),
    )


def _own_keys(entry: Indexed) -> list[str]:
    return _keys_at(entry.latitude, entry.longitude, entry.kelurahan)


def _keys_at(latitude: float | None, longitude: float | None, kelurahan: str | None) -> list[str]:
    keys = []
    if latitude is not None and longitude is not None:
        row, col = cell_of(latitude, longitude)
        keys.append(f"cell:{row}:{col}")
    if kelurahan:
        keys.append(f"kel:{kelurahan.casefold()}")
    return keys


class DuplicateIndex:
    """Finds, adds and removes open reports in the index aggregates."""

    def __init__(self, app: BatchProcessApplication, rules: DuplicateRules) -> None:
        self._app = app
        self.rules = rules

    def wanted(self, location: dict[str, Any]) -> Iterator[UUID]:
        """The index aggregates a report at this location reads and adds to."""
        where = (location.get("latitude"), location.get("longitude"), location.get("kelurahan"))
        keys = {*self._search_keys(*where), *_keys_at(*where)}
        return (ids.index_id(key) for key in keys)

    def _search_keys(
        self, latitude: float | None, longitude: float | None, kelurahan: str | None
    ) -> list[str]:
        keys = _keys_at(None, None, kelurahan)
        if latitude is not None and longitude is not None:
            cells = neighbourhood(latitude, longitude, self.rules.radius_m)
            keys += [f"cell:{row}:{col}" for row, col in cells]
        return keys

    def matches(self, batch: ProcessingEvent[UUID], new: Indexed) -> Matches:
        """The open report this one repeats or may repeat."""
        candidates: dict[str, Indexed] = {}
        for key in self._search_keys(new.latitude, new.longitude, new.kelurahan):
            index = self._app.peek(batch, ids.index_id(key), OpenReports)
            if index is not None:
                candidates.update((c.report_id, c) for c in index.candidates())
        return find_matches(new, list(candidates.values()), self.rules)

    def add(self, batch: ProcessingEvent[UUID], entry: Indexed) -> None:
        """Index an open (accepted) report."""
        data: dict[str, Any] = {**asdict(entry), "words": list(entry.words)}
        window = self.rules.window.total_seconds()
        for key in _own_keys(entry):
            index = self._app.load(batch, ids.index_id(key), OpenReports)
            if index is None:
                index = OpenReports(id=ids.index_id(key), key=key)
            index.add(entry=data, window_seconds=window)
            batch.collect_events(index)

    def remove(self, batch: ProcessingEvent[UUID], report: Report) -> None:
        """The report is no longer open: drop it from its cell and kelurahan."""
        entry = indexed(report.id, report.tracking_id, report.submission)
        for key in _own_keys(entry):
            index = self._app.load(batch, ids.index_id(key), OpenReports)
            if index is not None and entry.report_id in index.entries:
                index.remove(report_id=entry.report_id)
                batch.collect_events(index)
