"""The duplicate index: open reports by map cell and kelurahan, a table in intake's own store.

A report with coordinates is indexed under its cell; every report under its kelurahan, `kel:`,
and one without coordinates also under `kelnc:`. A new report with coordinates reads the cells
around it and `kelnc:` (the rules compare two located reports by distance alone); one without
reads `kel:`. A kelurahan key is split by the kinds of problem the words name (`#air`, `#lampu`,
or `#-` for none), since reports naming only different kinds never match: a report naming kinds
reads those kinds and `#-`, one naming none reads `#*` (all). Each read is bounded (the most
recent within the window), so the work per report does not grow with the store.
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
    content_of,
    content_words,
    find_matches,
    kind_names,
    neighbourhood,
)
from intake.domain.report import Submission


def indexed(
    report_id: UUID, tracking_id: str, sub: Submission, found: list[str] | None = None
) -> Indexed:
    """A report as the index keeps it: where, when, its content words and their trigrams
    (`found`: the `words` of its title and text, when they were read already)."""
    where = sub.location
    return Indexed(
        report_id=str(report_id),
        tracking_id=tracking_id,
        at=sub.received_at,
        words=content_words(text_of(sub)) if found is None else content_of(found),
        latitude=where.get("latitude"),
        longitude=where.get("longitude"),
        kelurahan=where.get("kelurahan"),
    )


def text_of(sub: Submission) -> str:
    """What screening and matching read of a report: its title and its text."""
    return f"{sub.title}\n{sub.text}"


def _located(entry: Indexed) -> bool:
    return entry.latitude is not None and entry.longitude is not None


def _kinds(entry: Indexed) -> list[str]:
    return kind_names(entry.kinds) or ["-"]


def own_keys(entry: Indexed) -> list[str]:
    """The keys an open report is found under."""
    kelurahan = entry.kelurahan.casefold() if entry.kelurahan else None
    places = [f"kel:{kelurahan}"] if kelurahan else []
    if _located(entry):
        row, col = cell_of(entry.latitude, entry.longitude)  # type: ignore[arg-type]
        keys = [f"cell:{row}:{col}"]
    else:
        keys = []
        places += [f"kelnc:{kelurahan}"] if kelurahan else []
    return keys + [f"{place}#{kind}" for place in places for kind in [*_kinds(entry), "*"]]


def _by_kind(place: str, entry: Indexed) -> list[str]:
    """The kind-split keys of a kelurahan key a new report reads."""
    kinds = kind_names(entry.kinds)
    return [f"{place}#{kind}" for kind in kinds] + [f"{place}#-"] if kinds else [f"{place}#*"]


class DuplicateIndex:
    """Finds, adds and removes open reports in the index table."""

    def __init__(self, books: BatchBooks, rules: DuplicateRules) -> None:
        self._books = books
        self.rules = rules

    def search_keys(self, entry: Indexed) -> list[str]:
        """The keys under which the reports this one may repeat are found."""
        kelurahan = entry.kelurahan.casefold() if entry.kelurahan else None
        if not _located(entry):
            return _by_kind(f"kel:{kelurahan}", entry) if kelurahan else []
        cells = neighbourhood(entry.latitude, entry.longitude, self.rules.radius_m)  # type: ignore[arg-type]
        keys = [f"cell:{row}:{col}" for row, col in cells]
        return keys + (_by_kind(f"kelnc:{kelurahan}", entry) if kelurahan else [])

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
