"""Problem categories a citizen may choose (Open311 service codes), and the body each points to.

Data in `categories.csv`: routing reads a category as a strong hint for the body; the Open311 and
web fronts list them. `skpd` empty means "no hint" (`lainnya`). Adding a category is a data change.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Category:
    """One problem category and the body it points to (None: no hint)."""

    code: str
    name: str
    description: str
    skpd: str | None


@cache
def categories() -> tuple[Category, ...]:
    """Every category, in the order the fronts list them."""
    text = resources.files(__package__).joinpath("categories.csv").read_text(encoding="utf-8")
    return tuple(
        Category(row["code"], row["name"], row["description"], row["skpd"].strip() or None)
        for row in csv.DictReader(text.splitlines())
    )


def body_for(code: str | None) -> str | None:
    """The body a category points to, or None (unknown category, or `lainnya`)."""
    for category in categories():
        if category.code == code:
            return category.skpd
    return None
