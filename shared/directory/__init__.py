"""The project's own copy of the body directory: 41 SKPD and the outside bodies."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Body:
    """One body a report can be disposed to."""

    code: str
    name: str
    kind: str
    handles: str
    outside_city: bool


def _read(filename: str, kind_column: str, outside_city: bool) -> list[Body]:
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    return [
        Body(row["code"], row["name"], row[kind_column], row["handles"], outside_city)
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
