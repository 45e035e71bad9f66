"""Precision and recall of intake's duplicate detector on a labelled set of report pairs.

Usage: .venv/bin/python -m bench.duplicate_quality [pairs.jsonl] [--sweep]
Each line of the set is `{"a": {...}, "b": {...}, "duplicate": bool, "why": str}`: report `b`
arrives while `a` is open; the detector should link `b` to `a` exactly when `duplicate` is true.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from intake.domain.duplicates import DuplicateRules, Indexed, content_words, find_matches
from intake.settings import IntakeSettings

PAIRS = Path(__file__).resolve().parent / "data" / "duplicate_pairs.jsonl"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Quality:
    """How the detector's links compare with the labels."""

    true_links: int
    false_links: int
    missed: int
    flagged_duplicates: int

    @property
    def precision(self) -> float:
        found = self.true_links + self.false_links
        return self.true_links / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_links + self.missed
        return self.true_links / wanted if wanted else 1.0


def load(path: Path = PAIRS) -> list[dict[str, Any]]:
    """The labelled pairs."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _indexed(name: str, report: dict[str, Any], at: datetime) -> Indexed:
    return Indexed(
        report_id=name,
        tracking_id=f"LPR-{name.upper()}",
        at=at,
        words=content_words(report["text"]),
        latitude=report.get("latitude"),
        longitude=report.get("longitude"),
        kelurahan=report.get("kelurahan"),
    )


def evaluate(pairs: list[dict[str, Any]], rules: DuplicateRules) -> Quality:
    """Run the detector on every pair."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "flag": 0}
    for pair in pairs:
        old = _indexed("a", pair["a"], AT)
        new = _indexed("b", pair["b"], AT + timedelta(hours=2))
        found = find_matches(new, [old], rules)
        linked = found.link is not None
        if linked:
            counts["tp" if pair["duplicate"] else "fp"] += 1
        elif pair["duplicate"]:
            counts["fn"] += 1
            counts["flag"] += found.flag is not None
    return Quality(counts["tp"], counts["fp"], counts["fn"], counts["flag"])


def main() -> None:
    """Print precision and recall at the configured thresholds (and a sweep if asked)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pairs", nargs="?", type=Path, default=PAIRS)
    parser.add_argument("--sweep", action="store_true", help="try other link thresholds")
    args = parser.parse_args()
    pairs = load(args.pairs)
    rules = IntakeSettings().duplicate_rules()
    thresholds = [x / 20 for x in range(4, 17)] if args.sweep else [rules.link_similarity]
    print(f"{len(pairs)} pairs, {sum(p['duplicate'] for p in pairs)} duplicates")
    for link in thresholds:
        q = evaluate(pairs, replace(rules, link_similarity=link))
        print(
            f"link >= {link:.2f}: precision {q.precision:.2f} recall {q.recall:.2f} "
            f"(linked {q.true_links + q.false_links}, wrong {q.false_links}, "
            f"missed {q.missed}, of which flagged {q.flagged_duplicates})"
        )


if __name__ == "__main__":
    main()
