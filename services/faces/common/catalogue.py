"""The problem categories a citizen picks (Open311 services): `shared.categories`' data."""

from __future__ import annotations

from shared.categories import Category, categories

OTHER = "lainnya"

__all__ = ["OTHER", "Category", "categories", "category", "code_of"]


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
