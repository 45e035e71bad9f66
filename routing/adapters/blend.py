"""The blend: the model's probabilities, the rules' evidence and the citizen's category, as one
share per body (summing to 1), and the bodies ranked by it.

Only the few bodies the rules or the category speak for differ from the model's own share
divided by the blend's norm. A batch's probabilities become Python floats once; for a few dozen
classes a list and one sort of small integers cost less than numpy's calls per report, and each
share is the same IEEE division the router always did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from routing.adapters.keyword_router import Evidence
from routing.adapters.lexicon import AREA
from shared import categories


@dataclass(frozen=True)
class Blend:
    """How much the rules and the category weigh beside the model (whose weight is 1)."""

    rules: float = 1.0
    decisive: float = 1.0
    category: float = 0.6
    pivot: float = 3.0
    also_min: float = 0.05
    max_also: int = 2


@dataclass(frozen=True)
class Blended:
    """The best bodies as (code, share), best first (ties by code), and the share of each body
    the rules found evidence for."""

    ranked: list[tuple[str, float]]
    evidenced: dict[str, float]


class Blender:
    """Blends for the model's classes; keeps the `keep` best of each report."""

    def __init__(self, classes: Sequence[str], blend: Blend, keep: int) -> None:
        self.classes = [str(c) for c in classes]
        self.blend = blend
        self._keep = max(keep, 1)
        self._index = {code: i for i, code in enumerate(self.classes)}
        # The classes' places in code order: sorted by share from here (a stable sort, even
        # reversed), equal shares stay in code order.
        self._by_code = sorted(range(len(self.classes)), key=self.classes.__getitem__)

    def __call__(self, row: Any, evidence: Mapping[str, Evidence], category: str | None) -> Blended:
        """The blend of one report: its row of model probabilities (in `classes` order)."""
        return self.many(row.reshape(1, -1), [evidence], [category])[0]

    def many(
        self,
        rows: Any,
        evidence: Sequence[Mapping[str, Evidence]],
        categories: Sequence[str | None],
    ) -> list[Blended]:
        """The blends of a batch (`rows`: texts x classes, as one array): the array becomes
        Python floats once, and each report is blended and ranked on those."""
        found = zip(rows.tolist(), evidence, categories, strict=True)
        return [self._one(*report) for report in found]

    def _one(
        self, row: list[float], evidence: Mapping[str, Evidence], category: str | None
    ) -> Blended:
        added, norm = self._added(row, evidence, category)
        values = [share / norm for share in row]
        outside: dict[str, float] = {}
        for code, weight in added.items():
            where = self._index.get(code)
            if where is None:
                outside[code] = weight / norm
            else:
                values[where] = weight / norm
        index = self._index

        def share(code: str) -> float:
            where = index.get(code)
            return outside.get(code, 0.0) if where is None else values[where]

        return Blended(self._ranked(values, outside), {code: share(code) for code in evidence})

    def _added(
        self, row: Any, evidence: Mapping[str, Evidence], category: str | None
    ) -> tuple[dict[str, float], float]:
        """The weights the rules and the category change (before the norm), and the norm."""
        blend, index = self.blend, self._index
        added: dict[str, float] = {}

        def add(code: str, weight: float) -> None:
            where = index.get(code)
            before = added.get(code, 0.0 if where is None else float(row[where]))
            added[code] = before + weight

        norm = 1.0
        total = sum(e.score for e in evidence.values())
        if total > 0:
            best = max(e.score for e in evidence.values())
            strength = blend.rules * best / (best + blend.pivot)
            for code, found in evidence.items():
                add(code, strength * found.score / total)
            norm += strength
        decisive = [code for code, found in evidence.items() if found.decisive]
        if len(decisive) == 1:
            add(decisive[0], blend.decisive)
            norm += blend.decisive
        hinted = categories.body_for(category)
        if hinted is not None:
            add(AREA if hinted.startswith("KEC-") else hinted, blend.category)
            norm += blend.category
        return added, norm

    def _ranked(self, values: list[float], outside: Mapping[str, float]) -> list[tuple[str, float]]:
        """The best bodies, best first, ties by code (a stable sort of the classes in code order,
        by share)."""
        if outside:  # a body the model does not know: rank everything as one list
            shares = dict(zip(self.classes, values, strict=True)) | dict(outside)
            return sorted(shares.items(), key=_by_share)[: self._keep]
        best = sorted(self._by_code, key=values.__getitem__, reverse=True)[: self._keep]
        classes = self.classes
        return [(classes[i], values[i]) for i in best]


def _by_share(item: tuple[str, float]) -> tuple[float, str]:
    return (-item[1], item[0])
