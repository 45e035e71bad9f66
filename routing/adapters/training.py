"""Training: the corpus, cross-validated scores, the temperature, the triage threshold, the model.

Cross-validation holds out whole problem seeds (GroupKFold): it fits the temperature and gives
the harsh figures of reports whose problem the model never saw. The triage threshold is chosen on
the calibration set instead (`data/calibration.jsonl`, reports written by hand in other words, the
way real reports look, never training data): the lowest confidence at which the reports routed
automatically are right at least `PRECISION` of the time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from routing.adapters import corpus
from routing.adapters.hybrid_router import HybridRouter
from routing.adapters.model import TextModel, export, fit, model_label, report_text, softmax
from routing.domain.router import RoutableReport

DEFAULT_THRESHOLD = 0.6
# Precision wanted among auto-routed reports of the calibration set.
PRECISION = 0.98
# The calibration set is small: its threshold must also hold with one more miss than it shows.
UNSEEN_ERRORS = 1
# Kept for the harsh cross-validated figure (whole problems held out) in the metrics.
TARGET = 0.95
DEFAULT_TEMPERATURE = 8.0


def calibration_rows() -> list[dict[str, Any]]:
    """The calibration set: hand-written reports that choose the threshold, never trained on."""
    text = resources.files("routing").joinpath("data", "calibration.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def labelled_rows(extra: Iterable[Path] = ()) -> list[dict[str, Any]]:
    """The generated corpus plus every kept JSON-lines file of labelled reports."""
    rows = list(corpus.generate())
    folder = resources.files("routing").joinpath("data", "corpus")
    kept = [
        Path(str(folder.joinpath(name.name)))
        for name in folder.iterdir()
        if name.name.endswith(".jsonl")
    ]
    for path in [*sorted(kept), *extra]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                row = json.loads(line)
                row.setdefault("group", f"{path.name}:{number}")
                rows.append(row)
    return rows


def routable(row: dict[str, Any]) -> RoutableReport:
    """A reference-format row as the router reads it."""
    location = row.get("location") or {}
    return RoutableReport(
        str(row.get("title") or ""),
        str(row.get("text") or ""),
        location.get("kecamatan"),
        location.get("kelurahan"),
        row.get("category"),
    )


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold raw scores per row, in the classes' order."""

    classes: tuple[str, ...]
    scores: list[list[float]]


def cross_validate(
    rows: Sequence[dict[str, Any]], folds: int = 4, c: float = 0.5
) -> CrossValidation:
    """Scores of each row by a model trained without its problem seed."""
    from sklearn.model_selection import GroupKFold

    labels = [model_label(str(r["expected_skpd"])) for r in rows]
    classes = tuple(sorted(set(labels)))
    scores: list[list[float]] = [[] for _ in rows]
    groups = [str(r.get("group", i)) for i, r in enumerate(rows)]
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(rows, labels, groups):
        pipeline = fit([rows[i] for i in train_idx], c)
        known = [str(k) for k in pipeline.classes_]
        raw = pipeline.decision_function([_norm(rows[i]) for i in test_idx])
        for i, row in zip(test_idx, raw, strict=True):
            by_class = dict(zip(known, map(float, row), strict=True))
            floor = min(by_class.values()) - 1.0  # a class the fold never saw: never the best
            scores[i] = [by_class.get(k, floor) for k in classes]
    return CrossValidation(classes, scores)


def _norm(row: dict[str, Any]) -> str:
    from routing.adapters.model import normalised

    return normalised(report_text(row))


def log_loss(cv: CrossValidation, labels: Sequence[str], temperature: float) -> float:
    """Mean negative log-likelihood of the true classes at a temperature."""
    index = {k: i for i, k in enumerate(cv.classes)}
    return -sum(
        math.log(max(softmax(row, temperature)[index[label]], 1e-12))
        for row, label in zip(cv.scores, labels, strict=True)
    ) / len(labels)


def fit_temperature(cv: CrossValidation, labels: Sequence[str]) -> float:
    """The temperature that makes out-of-fold probabilities most likely (least log loss)."""
    from scipy.optimize import minimize_scalar

    found = minimize_scalar(
        lambda t: log_loss(cv, labels, t), bounds=(0.05, 50.0), method="bounded"
    )
    return float(found.x)


def choose_threshold(
    outcomes: Sequence[tuple[float, bool]], target: float, unseen_errors: int = 0
) -> float:
    """The lowest confidence above which at least `target` of the decisions are right.

    `unseen_errors` counts that many more wrong decisions above every candidate threshold: on a
    small set, a threshold must hold with a miss the set happened not to contain.
    """
    ranked = sorted(outcomes, key=lambda o: -o[0])
    right, best = 0, 1.0
    for count, (confidence, ok) in enumerate(ranked, start=1):
        right += ok
        tied_below = count < len(ranked) and ranked[count][0] == confidence
        if right / (count + unseen_errors) >= target and not tied_below:
            best = confidence
    return best


def figures(outcomes: Sequence[tuple[float, bool]], threshold: float) -> dict[str, float]:
    """Top-1 accuracy, precision among the reports routed automatically, share sent to triage."""
    auto = [ok for confidence, ok in outcomes if confidence >= threshold]
    return {
        "top1": sum(ok for _, ok in outcomes) / len(outcomes),
        "auto_precision": sum(auto) / len(auto) if auto else 1.0,
        "triage_share": 1 - len(auto) / len(outcomes),
        "n": len(outcomes),
    }


def evaluate(router: HybridRouter, rows: Sequence[dict[str, Any]]) -> list[tuple[float, bool]]:
    """(confidence, right) per labelled row, routed as the service routes."""
    decisions = router.route_many([routable(r) for r in rows])
    return [
        (d.confidence, d.code == r["expected_skpd"]) for d, r in zip(decisions, rows, strict=True)
    ]


def train_model(
    rows: Sequence[dict[str, Any]],
    *,
    target: float = PRECISION,
    folds: int = 4,
    c: float = 0.5,
    temperature: float | None = None,
    calibration: Sequence[dict[str, Any]] | None = None,
) -> TextModel:
    """Fit on every row; temperature by cross-validation (unless given); threshold calibrated."""
    metrics: dict[str, Any] = {"target": target, "trained_on": len(rows)}
    if temperature is None:
        labels = [model_label(str(r["expected_skpd"])) for r in rows]
        cv = cross_validate(rows, folds, c)
        temperature = fit_temperature(cv, labels)
        oof = evaluate(HybridRouter(TextModel(_Fixed(cv), temperature), threshold=0.0), rows)
        metrics |= {"cross_validation": figures(oof, choose_threshold(oof, TARGET)), "folds": folds}
    fitted = TextModel(export(fit(rows, c)), temperature, 0.0, metrics)
    return calibrate(fitted, calibration_rows() if calibration is None else calibration, target)


def calibrate(
    model: TextModel, rows: Sequence[dict[str, Any]], target: float = PRECISION
) -> TextModel:
    """Set the model's triage threshold from the calibration rows (one unseen miss assumed)."""
    outcomes = evaluate(HybridRouter(model, threshold=0.0), rows)
    model.threshold = choose_threshold(outcomes, target, UNSEEN_ERRORS)
    model.metrics["calibration"] = figures(outcomes, model.threshold)
    return model


class _Fixed:
    """Stands in for a pipeline: answers each row's out-of-fold scores, in order of asking."""

    def __init__(self, cv: CrossValidation) -> None:
        self.classes_ = list(cv.classes)
        self._rows = iter(cv.scores)

    def decision_function(self, texts: Sequence[str]) -> list[list[float]]:
        return [next(self._rows) for _ in texts]


def quick_model(threshold: float = DEFAULT_THRESHOLD) -> TextModel:
    """A model fitted on the corpus without cross-validation (when no artefact was built)."""
    return TextModel(export(fit(labelled_rows())), DEFAULT_TEMPERATURE, threshold, {})
