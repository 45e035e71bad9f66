"""How well a router does on labelled example reports (a report sent to triage counts as the admin).

Used by `bench/routing_accuracy.py` and by a unit test that guards against a silent breakage.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from routing.domain.router import RoutableReport, Router
from shared.directory import CITY_ADMIN


@dataclass(frozen=True)
class Example:
    """One labelled report."""

    id: str
    report: RoutableReport
    expected: str


@dataclass
class Evaluation:
    """Accuracy, and which labels were confused with which."""

    total: int = 0
    correct: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of examples routed to the expected body."""
        return self.correct / self.total if self.total else 0.0

    def confusions(self) -> Counter[tuple[str, str]]:
        """(expected, got) pairs of the misses, commonest first."""
        return Counter((expected, got) for _, expected, got in self.misses)


def load_examples(path: Path) -> list[Example]:
    """Read a JSON-lines file of reports with `expected_skpd`."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            location = row.get("location") or {}
            report = RoutableReport(
                row.get("title") or "",
                row["text"],
                location.get("kecamatan"),
                location.get("kelurahan"),
                row.get("category"),
            )
            examples.append(Example(row["id"], report, row["expected_skpd"]))
    return examples


def evaluate(
    router: Router, examples: Iterable[Example], triage_code: str = CITY_ADMIN
) -> Evaluation:
    """Route every example and compare with its label."""
    result = Evaluation()
    for example in examples:
        decision = router.route(example.report)
        got = decision.code or triage_code
        result.total += 1
        if got == example.expected:
            result.correct += 1
        else:
            result.misses.append((example.id, example.expected, got))
    return result


def summary(result: Evaluation, *, show: int = 0) -> Sequence[str]:
    """Lines to print: the figure, and the commonest confusions."""
    lines = [f"accuracy {result.accuracy:.3f} ({result.correct}/{result.total})"]
    for (expected, got), count in result.confusions().most_common(show):
        lines.append(f"  {count} x expected {expected}, got {got}")
    return lines
