"""From stage times to the figures `lapor bench` writes (and the samples its plot draws)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.generator import Record
from bench.stats import per_second, summary, sustained_rate
from bench.watch import Journey, Watch

if TYPE_CHECKING:
    from bench.baseline import Baseline
    from bench.run import Options
    from bench.system import System

LATENCIES = {"intake_to_skpd": "skpd", "intake_to_case": "case", "intake_to_outbound": "outbound"}


@dataclass
class Measured:
    """The JSON figures, the samples behind them and what the console summary adds."""

    figures: dict[str, Any]
    latencies_ms: dict[str, list[int]] = field(default_factory=dict)
    services_per_s: list[int] = field(default_factory=list)
    raw_per_s: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def result(
    options: Options, watch: Watch, load: Sequence[Record], raw: Baseline, system: System
) -> Measured:
    """The figures of one run."""
    journeys = [watch.journeys[r.key.decode()] for r in load if r.fingerprint is not None]
    done = [j for j in journeys if j.intake is not None and j.outbound is not None]
    if not done:
        raise ValueError("no report got through: nothing to measure")
    started = min(j.intake for j in journeys if j.intake is not None)
    finished = [j.outbound for j in done if j.outbound is not None]
    throughput = sustained_rate(started, finished)
    raw_rate = raw.rate
    latencies = {name: _latencies(journeys, stage) for name, stage in LATENCIES.items()}
    figures = {
        "reports": options.reports,
        "store": options.store,
        "replicas": options.replicas,
        "offered_rps": options.rate,
        "duration_s": (_last(journeys) - started) / 1000,  # exact: record times are in ms
        "throughput_rps": round(throughput, 1),
        "raw_pipe_rps": round(raw_rate, 1),
        "ratio": round(throughput / raw_rate, 3),
        "latency_ms": {name: summary(values) for name, values in latencies.items()},
        "rss_mb": system.rss_mb(),
        "cpu_s": system.cpu_s(),
    }
    counts = {
        "well-formed": len(journeys),
        "through": len(done),
        "routed to a body": len(latencies["intake_to_skpd"]),
        "malformed": len(load) - len(journeys),
        "dead-lettered": watch.deadlettered,
    }
    return Measured(
        figures,
        latencies,
        per_second(started, finished),
        per_second(raw.started_ms, raw.out_ms),
        counts,
    )


def _last(journeys: Sequence[Journey]) -> int:
    """When the last record of the load was seen at any stage."""
    return max(t for j in journeys for t in (j.skpd, j.case, j.outbound) if t is not None)


def _latencies(journeys: Sequence[Journey], stage: str) -> list[int]:
    found = [(j.intake, getattr(j, stage)) for j in journeys]
    return [end - start for start, end in found if start is not None and end is not None]
