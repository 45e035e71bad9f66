"""Learning from the city's decisions: retrain on corpus plus decisions, install if not worse.

The decisions (`application/labels.py`) are split by a stable hash of their opaque id: a third is
held out and never trained on. The new model and the model in use both route the held-out slice;
the new one is installed only if its top-1 accuracy is not lower and its precision among the
reports it routes by itself is not lower (or at least `PRECISION`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from routing.adapters.hybrid_router import HybridRouter
from routing.adapters.model import TextModel
from routing.adapters.training import PRECISION, evaluate, figures, train_model

HELD_OUT_EVERY = 3
MIN_HELD_OUT = 5
# A new model may send at most this much more of the held-out decisions to triage (a model that
# routes as well but asks the admin more often does less of the work).
TRIAGE_SLACK = 0.05
# A decision is one report among thousands of corpus rows: it counts as this many.
DECISION_WEIGHT = 5


def split(decisions: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(to train on, held out): the same decision always falls on the same side."""
    train: list[dict[str, Any]] = []
    held_out: list[dict[str, Any]] = []
    for row in decisions:
        digest = hashlib.sha256(str(row["id"]).encode()).digest()
        (held_out if digest[0] % HELD_OUT_EVERY == 0 else train).append(row)
    return train, held_out


@dataclass(frozen=True)
class Comparison:
    """Both models' figures on the held-out decisions, and the verdict."""

    current: dict[str, float]
    candidate: dict[str, float]
    held_out: int

    @property
    def not_worse(self) -> bool:
        """Top-1 not lower, precision among auto-routed not lower (or at the target anyway),
        and no larger share sent to triage (beyond `TRIAGE_SLACK`)."""
        if self.held_out < MIN_HELD_OUT:
            return False
        floor = min(self.current["auto_precision"], PRECISION)
        return (
            self.candidate["top1"] >= self.current["top1"]
            and self.candidate["auto_precision"] >= floor
            and self.candidate["triage_share"] <= self.current["triage_share"] + TRIAGE_SLACK
        )

    def lines(self) -> list[str]:
        """The comparison as the command prints it."""
        return [
            f"{name}: top-1 {f['top1']:.3f}, auto-routed precision {f['auto_precision']:.3f}, "
            f"triage share {f['triage_share']:.3f} on {self.held_out} held-out decisions"
            for name, f in (("in use", self.current), ("new", self.candidate))
        ]


def compare(
    current: TextModel, candidate: TextModel, held_out: Sequence[dict[str, Any]]
) -> Comparison:
    """Route the held-out decisions with both models, each at its own threshold."""

    def score(model: TextModel) -> dict[str, float]:
        return figures(evaluate(HybridRouter(model), held_out), model.threshold)

    empty = {"top1": 0.0, "auto_precision": 0.0, "triage_share": 1.0, "n": 0}
    if not held_out:
        return Comparison(empty, empty, 0)
    return Comparison(score(current), score(candidate), len(held_out))


def retrain(
    corpus: Sequence[dict[str, Any]], decisions: Sequence[dict[str, Any]], current: TextModel
) -> tuple[TextModel, Comparison]:
    """A model trained on the corpus and the training slice, compared on the held-out slice.

    The temperature of the model in use is kept (no cross-validation: seconds, not minutes); the
    threshold is calibrated again.
    """
    train, held_out = split(decisions)
    rows = [*corpus]
    for row in train:
        rows += [{**row, "group": f"decision:{row['id']}"}] * DECISION_WEIGHT
    candidate = train_model(rows, temperature=current.temperature)
    candidate.metrics |= {"decisions_trained": len(train), "decisions_held_out": len(held_out)}
    return candidate, compare(current, candidate, held_out)
