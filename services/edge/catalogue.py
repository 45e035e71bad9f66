"""The problem categories a citizen picks (Open311 services), read from `categories.csv`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

OTHER = "lainnya"


@dataclass(frozen=True)
class Category:
    """One problem a citizen may report, and the bodies that usually handle it."""

    code: str
    name: str
    description: str
    keywords: str
    group: str
    bodies: tuple[str, ...]


@cache
def categories() -> tuple[Category, ...]:
    """Every category, in the file's order (`lainnya` last)."""
    text = resources.files("services").joinpath("categories.csv").read_text(encoding="utf-8")
    return tuple(
        Category(
            code=row["code"],
            name=row["name"],
            description=row["description"],
            keywords=row["keywords"],
            group=row["group"],
            bodies=tuple(b for b in (row["bodies"] or "").split(";") if b),
        )
        for row in csv.DictReader(text.splitlines())
    )


def category(code: str) -> Category | None:
    """The category with this code, if any."""
    return next((c for c in categories() if c.code == code), None)


def code_of(category_code: str | None, skpd_code: str | None) -> str:
    """A report's service code: its category, else its body's, else `lainnya`."""
    if category_code and category(category_code):
        return category_code
    for item in categories():
        if skpd_code and skpd_code in item.bodies:
            return item.code
    return OTHER
