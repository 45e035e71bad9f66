"""The duplicate index: open reports by map cell and kelurahan, a table in intake's own store.

A report with coordinates is indexed under its cell and its kelurahan; one without, under its
kelurahan twice: `kel:` (every report there) and `kelnc:` (those without coordinates). A new
report with coordinates reads the cells around it and `kelnc:` (the only others it may match:
the rules compare two located reports by distance alone); one without reads `kel:`. Each read is
bounded (the most recent within the window), so the work per report does not grow with the store.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.bookkeeping import BatchBooks
from intake.domain.duplicates import (
    DuplicateRules,
    Indexed,
    Matches,
    cell_of,
    content_words,
    find_matches,
    neighbourhood,
)
from intake.domain.report import Submission


def indexed(report_id: UUID, tracking_id: str, sub: Submission) -> Indexed:
    """A report as the index keeps it: where, when, its content words and their trigrams."""
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


def _located(entry: Indexed) -> bool:
    return entry.latitude is not None and entry.longitude is not None


def own_keys(entry: Indexed) -> list[str]:
    """The keys an open report is found under."""
    kelurahan = entry.kelurahan.casefold() if entry.kelurahan else None
    keys = [f"kel:{kelurahan}"] if kelurahan else []
    if _located(entry):
        row, col = cell_of(entry.latitude, entry.longitude)  # type: ignore[arg-type]
        keys.append(f"cell:{row}:{col}")
    elif kelurahan:
        keys.append(f"kelnc:{kelurahan}")
    return keys


class DuplicateIndex:
    """Finds, adds and removes open reports in the index table."""

    def __init__(self, books: BatchBooks, rules: DuplicateRules) -> None:
        self._books = books
        self.rules = rules

    def search_keys(self, entry: Indexed) -> list[str]:
        """The keys under which the reports this one may repeat are found."""
        kelurahan = entry.kelurahan.casefold() if entry.kelurahan else None
        if not _located(entry):
            return [f"kel:{kelurahan}"] if kelurahan else []
        cells = neighbourhood(entry.latitude, entry.longitude, self.rules.radius_m)  # type: ignore[arg-type]
        keys = [f"cell:{row}:{col}" for row, col in cells]
        return keys + ([f"kelnc:{kelurahan}"] if kelurahan else [])

    def matches(self, batch: ProcessingEvent[UUID], new: Indexed) -> Matches:
        """The open report this one repeats or may repeat."""
        window = self.rules.window
        found = self._books.candidates(
            batch, self.search_keys(new), new.at - window, new.at + window
        )
        return find_matches(new, found, self.rules)

    def add(self, batch: ProcessingEvent[UUID], entry: Indexed) -> None:
        """Index an open (accepted) report."""
        self._books.index(batch, entry, own_keys(entry))

    def remove(self, batch: ProcessingEvent[UUID], report_id: UUID) -> None:
        """The report is no longer open: drop it from the index."""
        self._books.unindex(batch, report_id)
