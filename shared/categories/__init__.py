"""Problem categories a citizen may choose (Open311 service codes), and the bodies behind each.

Data in `categories.csv`, one file for every context: routing reads a category's first body as a
strong hint; the Open311 and web fronts list the categories (name, description, keywords, group)
and derive a report's code from its body. A category without bodies (`lainnya`) gives no hint.
Adding a category is a data change.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Category:
    """One problem a citizen may report, and the bodies that usually handle it (first: the hint)."""

    code: str
    name: str
    description: str
    keywords: str
    group: str
    bodies: tuple[str, ...]

    @property
    def skpd(self) -> str | None:
        """The body routing takes as a hint (None: no hint)."""
        return self.bodies[0] if self.bodies else None


@cache
def categories() -> tuple[Category, ...]:
    """Every category, in the order the fronts list them (`lainnya` last)."""
    text = resources.files(__package__).joinpath("categories.csv").read_text(encoding="utf-8")
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


def body_for(code: str | None) -> str | None:
    """The body a category points to, or None (unknown category, or `lainnya`)."""
    for category in categories():
        if category.code == code:
            return category.skpd
    return None
