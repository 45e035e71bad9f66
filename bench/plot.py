"""The bench figure: throughput over time (services and raw pipe) and the latency distributions."""

from __future__ import annotations

from pathlib import Path

from bench.result import Measured


def plot(measured: Measured, path: Path) -> None:
    """Write a PNG with two panels: reports per second over time; latency percentiles (CDF)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figures = measured.figures
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=80)
    left.step(
        range(len(measured.services_per_s)),
        measured.services_per_s,
        where="post",
        label=f"services (sustained {figures['throughput_rps']}/s)",
    )
    left.step(
        range(len(measured.raw_per_s)),
        measured.raw_per_s,
        where="post",
        alpha=0.7,
        label=f"raw pipe ({figures['raw_pipe_rps']}/s)",
    )
    left.set(
        xlabel="seconds since the first record",
        ylabel="completed per second",
        title="Throughput: intake topic to first outbound message",
    )
    left.legend(fontsize="small")
    for name, values in measured.latencies_ms.items():
        if values:
            ordered = sorted(values)
            share = [100 * (n + 1) / len(ordered) for n in range(len(ordered))]
            right.plot([v / 1000 for v in ordered], share, label=name.replace("_", " "))
    right.set(
        xlabel="latency (s)",
        ylabel="% of reports at or below",
        ylim=(0, 100),
        title="Latency from the intake topic",
    )
    right.grid(alpha=0.3)
    right.legend(fontsize="small")
    fig.suptitle(
        f"lapor bench: {figures['reports']} reports, {figures['store']}, "
        f"{figures['replicas']} replica(s), offered "
        f"{figures['offered_rps'] or 'as fast as possible'}",
        fontsize="medium",
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
