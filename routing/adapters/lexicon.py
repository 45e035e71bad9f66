"""The lexicon as data: weighted phrases per body, read from `routing/data/lexicon.csv`.

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
from importlib import resources
from pathlib import Path

AREA = "KECAMATAN"
NEUTRAL = "NEUTRAL"
CERTAIN = 5.0
DECISIVE = 7.0

Table = Mapping[str, Mapping[float, str]]


class LexiconError(ValueError):
    """A lexicon file that cannot be read: a bad weight, an unknown code, a missing column."""


def read_lexicon(
    path: Path | None = None, known: frozenset[str] | None = None
) -> dict[str, dict[float, str]]:
    """The lexicon table {code: {weight: "phrase; phrase"}}; codes checked against `known`."""
    if path is None:
        text = (
            resources.files("routing").joinpath("data", "lexicon.csv").read_text(encoding="utf-8")
        )
    else:
        text = path.read_text(encoding="utf-8")
    table: dict[str, dict[float, str]] = {}
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        code, phrases = (row.get("code") or "").strip(), (row.get("phrases") or "").strip()
        try:
            weight = float(row.get("weight") or "")
        except ValueError:
            raise LexiconError(
                f"line {number}: weight {row.get('weight')!r} is not a number"
            ) from None
        if not code or not phrases:
            raise LexiconError(f"line {number}: code and phrases are required")
        if known is not None and code not in known | {AREA, NEUTRAL}:
            raise LexiconError(f"line {number}: {code} is not a body of the directory")
        tier = table.setdefault(code, {})
        tier[weight] = f"{tier[weight]}; {phrases}" if weight in tier else phrases
    return table
