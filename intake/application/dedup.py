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

from functools import lru_cache
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


def own_keys(entry: Indexed) -> list[str]:
    """The keys an open report is found under."""
    if _located(entry):
        row, col = cell_of(entry.latitude, entry.longitude)  # type: ignore[arg-type]
        return [f"cell:{row}:{col}", *_place_keys(("kel",), entry.kelurahan, entry.kinds)]
    return list(_place_keys(("kel", "kelnc"), entry.kelurahan, entry.kinds))


# The kelurahan keys of a report depend on its kelurahan and kinds alone (a few hundred pairs
# in a city), and each report asks three times: made once per pair.
@lru_cache(maxsize=8192)
def _place_keys(places: tuple[str, ...], kelurahan: str | None, kinds: int) -> tuple[str, ...]:
    """The kind-split keys of the kelurahan keys an open report is found under."""
    if not kelurahan:
        return ()
    name, named = kelurahan.casefold(), kind_names(kinds) or ["-"]
    return tuple(f"{place}:{name}#{kind}" for place in places for kind in [*named, "*"])


@lru_cache(maxsize=8192)
def _by_kind(place: str, kelurahan: str, kinds: int) -> tuple[str, ...]:
    """The kind-split keys of a kelurahan key a new report reads."""
    key, named = f"{place}:{kelurahan.casefold()}", kind_names(kinds)
    return (*[f"{key}#{kind}" for kind in named], f"{key}#-") if named else (f"{key}#*",)


class DuplicateIndex:
    """Finds, adds and removes open reports in the index table."""

    def __init__(self, books: BatchBooks, rules: DuplicateRules) -> None:
        self._books = books
        self.rules = rules

    def search_keys(self, entry: Indexed) -> list[str]:
        """The keys under which the reports this one may repeat are found."""
        kelurahan = entry.kelurahan
        if not _located(entry):
            return list(_by_kind("kel", kelurahan, entry.kinds)) if kelurahan else []
        cells = neighbourhood(entry.latitude, entry.longitude, self.rules.radius_m)  # type: ignore[arg-type]
        keys = [f"cell:{row}:{col}" for row, col in cells]
        return keys + (list(_by_kind("kelnc", kelurahan, entry.kinds)) if kelurahan else [])

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
