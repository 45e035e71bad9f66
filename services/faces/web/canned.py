"""Canned responses per category (`data/jawaban_siap.csv`): offered on the desk, edited there.

A row with an empty category suits every report; a category's own rows come first. Adding or
rewording an answer is a data change.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class CannedResponse:
    """A ready answer: the desk action it suits, a short title, and the text sent (editable)."""

    category: str
    action: str
    title: str
    text: str


@cache
def canned_responses() -> tuple[CannedResponse, ...]:
    """Every canned response, in the file's order."""
    data = resources.files(__package__).joinpath("data/jawaban_siap.csv")
    rows = csv.DictReader(data.read_text(encoding="utf-8").splitlines())
    return tuple(CannedResponse(**{k: (v or "").strip() for k, v in row.items()}) for row in rows)


def for_category(category: str | None) -> list[CannedResponse]:
    """The responses offered for a report of this category: its own first, then the general."""
    own = [r for r in canned_responses() if category and r.category == category]
    return own + [r for r in canned_responses() if not r.category]
