"""Tracking's own series on `/metrics`: the read model's lag and its quarantined events."""

from __future__ import annotations

from collections.abc import Sequence

from shared.metrics import MetricSource
from tracking.adapters.projector import CaseProjector


def projection_metrics(projectors: Sequence[CaseProjector]) -> list[MetricSource]:
    """Quarantined events and lag of each projection, read when Prometheus scrapes."""

    def quarantined() -> dict[tuple[str, ...], float]:
        return {(p.name,): len(p.quarantined()) for p in projectors}

    def lag() -> dict[tuple[str, ...], float]:
        return {(p.name,): max(0, p.head() - p.position()) for p in projectors}

    return [
        MetricSource(
            "lapor_projection_quarantined", "Events a projection held aside (see `lapor "
            "projections quarantine`)", ("projection",), quarantined,
        ),
        MetricSource(
            "lapor_projection_lag", "Case events not yet in the read model", ("projection",), lag
        ),
    ]  # fmt: skip
