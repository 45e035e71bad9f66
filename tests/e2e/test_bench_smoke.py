"""`lapor bench`, run small as an operator types it: its own Kafka, SQLite stores, the figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(660)]  # the run is the first test's setup

KEYS = {
    "reports",
    "store",
    "replicas",
    "offered_rps",
    "duration_s",
    "throughput_rps",
    "raw_pipe_rps",
    "ratio",
    "latency_ms",
    "rss_mb",
    "cpu_s",
    "stored_events_per_report",
    "stored_events_per_report_by_service",
    "kafka_records_per_report",
    "cpu_ms_per_report",
    "infra_cpu_s",
    "infra_cpu_ms_per_report",
}
SERVICES = {"intake", "routing", "tracking", "notification"}
LATENCIES = {"intake_to_skpd", "intake_to_case", "intake_to_outbound"}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One small run on SQLite (it starts and stops its own Kafka)."""
    folder = tmp_path_factory.mktemp("bench")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli.main",
            "bench",
            "--reports",
            "60",
            "--store",
            "sqlite",
            "--json",
            str(folder / "out.json"),
            "--plot",
            str(folder / "out.png"),
            "--quiet",
            "--max-seconds",
            "120",
            "--raw-messages",
            "300",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # about 30 s on a quiet 2-core machine; far more when it is shared
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (folder / "out.png").stat().st_size > 0
    return dict(json.loads((folder / "out.json").read_text()))


def test_bench_writes_exactly_the_figures_of_the_issue(figures: dict[str, Any]) -> None:
    assert set(figures) == KEYS
    assert set(figures["latency_ms"]) == LATENCIES
    assert set(figures["rss_mb"]) == set(figures["cpu_s"]) == SERVICES
    assert (figures["reports"], figures["store"], figures["replicas"]) == (60, "sqlite", 1)
    assert figures["offered_rps"] is None


def test_bench_figures_are_positive(figures: dict[str, Any]) -> None:
    rates = ("duration_s", "throughput_rps", "raw_pipe_rps", "ratio")
    work = ("stored_events_per_report", "kafka_records_per_report", "cpu_ms_per_report")
    assert all(figures[name] > 0 for name in work)
    assert set(figures["stored_events_per_report_by_service"]) == SERVICES
    assert all(figures[name] > 0 for name in rates)
    assert all(v > 0 for v in figures["rss_mb"].values())
    assert all(v > 0 for v in figures["cpu_s"].values())
    assert set(figures["infra_cpu_s"]) == {"kafka"}  # SQLite stores: no database server
    assert figures["infra_cpu_s"]["kafka"] > 0 and figures["infra_cpu_ms_per_report"] > 0


def test_bench_percentiles_are_ordered_and_within_the_run(figures: dict[str, Any]) -> None:
    for name, p in figures["latency_ms"].items():
        run_ms = figures["duration_s"] * 1000 + 0.5  # float seconds back to whole ms
        assert 0 <= p["p50"] <= p["p95"] <= p["p99"] <= run_ms, name


def test_a_report_reaches_its_case_before_its_reporter_hears(figures: dict[str, Any]) -> None:
    latency = figures["latency_ms"]
    assert latency["intake_to_case"]["p50"] <= latency["intake_to_outbound"]["p50"]


def test_bench_ratio_is_throughput_over_the_raw_pipe(figures: dict[str, Any]) -> None:
    expected = figures["throughput_rps"] / figures["raw_pipe_rps"]
    assert figures["ratio"] == pytest.approx(expected, rel=0.02, abs=0.002)
