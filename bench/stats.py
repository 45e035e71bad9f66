"""The figures: percentiles, a sustained rate, a rate over time. Pure functions of timestamps."""

from __future__ import annotations

import math
from collections.abc import Sequence

WARM_UP = 0.1  # the first tenth of completions fills the pipe
DRAIN = 0.1  # the last tenth empties it
MIN_WINDOW_S = 1.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method; values need not be sorted."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def summary(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p95 and p99, rounded to 0.1 (None when nothing was measured)."""
    return {f"p{q}": round(percentile(values, q), 1) if values else None for q in (50, 95, 99)}


def sustained_rate(started_ms: int, done_ms: Sequence[int]) -> float:
    """Completions per second between the first and last tenth of them (fill and drain left out).

    With too few completions or too short a window for that (a small run, output in one or two
    batches), the whole run counts: completions over the time from `started_ms` to the last one.
    """
    if not done_ms:
        return 0.0
    ordered = sorted(done_ms)
    lo = int(len(ordered) * WARM_UP)
    hi = len(ordered) - 1 - int(len(ordered) * DRAIN)
    window_s = (ordered[hi] - ordered[lo]) / 1000
    if hi - lo >= 10 and window_s >= MIN_WINDOW_S:
        return (hi - lo) / window_s
    whole_s = max(ordered[-1] - started_ms, 1) / 1000
    return len(ordered) / whole_s


def per_second(started_ms: int, done_ms: Sequence[int]) -> list[int]:
    """Completions in each second since `started_ms` (for the plot)."""
    if not done_ms:
        return []
    counts = [0] * (int((max(done_ms) - started_ms) // 1000) + 1)
    for ts in done_ms:
        counts[max(0, int((ts - started_ms) // 1000))] += 1
    return counts
