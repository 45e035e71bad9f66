"""The lexicon as data: duties and weighted phrases per body, read from `routing/data/lexicon.csv`.

The file's own header states the precedence (duties, then authority, then sector words). Lines
starting with "#" are comments. Rows of weight `terms` name a set of phrases (`@name`); rows of
weight `duty` are read by `read_duties` (a body and the parts a report must hold, "+"-joined).
One row per body and weight: `code,weight,phrases` with phrases separated by ";". Weights: 7
decisive (who has authority whatever the service: pungli goes to the Inspektorat, a provincial
road or an SMA to the province), 5 certain (the body's own name, or a service only it gives), 3 a
typical problem of its duties, 1 a weak hint. `NEUTRAL` phrases score nothing but hide the words
inside them ("air hujan" is not about the water company). `KECAMATAN` stands for "the kecamatan
office where the report is".
Adding a body or a phrase is a change of that file (or of a file passed as `path`), not of code.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

AREA = "KECAMATAN"
NEUTRAL = "NEUTRAL"
CERTAIN = 5.0
DECISIVE = 7.0

Table = Mapping[str, Mapping[float, str]]


class LexiconError(ValueError):
    """A lexicon file that cannot be read: a bad weight, an unknown code, a missing column."""


TERMS = "terms"
DUTY = "duty"


def _text(path: Path | None) -> str:
    if path is None:
        return resources.files("routing").joinpath("data", "lexicon.csv").read_text("utf-8")
    return path.read_text(encoding="utf-8")


def _rows(path: Path | None) -> list[tuple[int, str, str, str]]:
    """(line number, code, weight, phrases) of every row, comments left out."""
    numbered = [
        (number, line)
        for number, line in enumerate(_text(path).splitlines(), start=1)
        if not line.lstrip().startswith("#")
    ]
    reader = csv.DictReader(line for _, line in numbered)
    found = []
    for (number, _), row in zip(numbered[1:], reader, strict=False):
        code, phrases = (row.get("code") or "").strip(), (row.get("phrases") or "").strip()
        if not code or not phrases:
            raise LexiconError(f"line {number}: code and phrases are required")
        found.append((number, code, (row.get("weight") or "").strip(), phrases))
    return found


def read_lexicon(
    path: Path | None = None, known: frozenset[str] | None = None
) -> dict[str, dict[float, str]]:
    """The weighted phrases {code: {weight: "phrase; phrase"}}; codes checked against `known`."""
    table: dict[str, dict[float, str]] = {}
    for number, code, raw, phrases in _rows(path):
        if raw in (TERMS, DUTY):
            continue
        try:
            weight = float(raw)
        except ValueError:
            raise LexiconError(f"line {number}: weight {raw!r} is not a number") from None
        if known is not None and code not in known | {AREA, NEUTRAL}:
            raise LexiconError(f"line {number}: {code} is not a body of the directory")
        tier = table.setdefault(code, {})
        tier[weight] = f"{tier[weight]}; {phrases}" if weight in tier else phrases
    return table


@dataclass(frozen=True)
class DutyRow:
    """One duty as written: the body, and its parts (each a phrase or a term set's phrases)."""

    code: str
    parts: tuple[tuple[str, ...], ...]
    text: str


def read_duties(
    path: Path | None = None, known: frozenset[str] | None = None
) -> tuple[list[DutyRow], dict[str, tuple[str, ...]]]:
    """The duties in file order (their precedence), and every term set by name."""
    rows = _rows(path)
    terms = {
        code: tuple(p.strip() for p in phrases.split(";") if p.strip())
        for _, code, raw, phrases in rows
        if raw == TERMS
    }
    duties = []
    for number, code, raw, phrases in rows:
        if raw != DUTY:
            continue
        if known is not None and code not in known:
            raise LexiconError(f"line {number}: {code} is not a body of the directory")
        parts = []
        for part in (p.strip() for p in phrases.split("+")):
            if part.startswith("@") and part not in terms:
                raise LexiconError(f"line {number}: no term set {part}")
            parts.append(terms[part] if part.startswith("@") else (part,))
        duties.append(DutyRow(code, tuple(parts), phrases))
    return duties, terms
