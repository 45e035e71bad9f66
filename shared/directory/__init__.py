"""The project's own copy of the body directory: 41 SKPD and the outside bodies.

Two columns beyond the reference directory: `parent` (where an escalation goes; empty means the
city admin, SETDA-HUMAS) and `email` (the body's LAPOR! mailbox, which notification writes to).
Outside bodies' mailboxes are the city's liaison (Admin Penghubung) address for that body. The
addresses are the city's to maintain: changing one is a data change in these CSV files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

CITY_ADMIN = "SETDA-HUMAS"


@dataclass(frozen=True)
class Body:
    """One body a report can be disposed to."""

    code: str
    name: str
    kind: str
    handles: str
    outside_city: bool
    parent: str | None = None
    email: str | None = None


def _read(filename: str, kind_column: str, outside_city: bool) -> list[Body]:
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    return [
        Body(
            code=row["code"],
            name=row["name"],
            kind=row[kind_column],
            handles=row["handles"],
            outside_city=outside_city,
            parent=(row.get("parent") or "").strip() or None,
            email=(row.get("email") or "").strip() or None,
        )
        for row in csv.DictReader(text.splitlines())
    ]


@cache
def bodies() -> tuple[Body, ...]:
    """All bodies: city SKPD first, then the outside bodies."""
    return tuple(_read("skpd.csv", "kind", False) + _read("external.csv", "level", True))


@cache
def by_code() -> dict[str, Body]:
    """Bodies by their directory code."""
    return {body.code: body for body in bodies()}


def body_codes() -> list[str]:
    """Every body code, for topic creation and validation."""
    return [body.code for body in bodies()]


def escalation_target(code: str) -> str:
    """Where a report escalates from a body: its parent, else the city admin."""
    body = by_code().get(code)
    if body is not None and body.parent and body.parent != code:
        return body.parent
    return CITY_ADMIN
