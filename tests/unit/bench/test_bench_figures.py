"""The bench's figures: percentiles, sustained rates, and following a report across topics."""

from __future__ import annotations

import json

import pytest

from bench.generator import Generator
from bench.load import NotLoopback, require_loopback
from bench.stats import per_second, percentile, summary, sustained_rate
from bench.watch import Watch
from shared import topics


def test_percentiles_use_the_nearest_rank() -> None:
    values = list(range(100, 0, -1))
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50, 95, 99)
    assert summary([7.0]) == {"p50": 7.0, "p95": 7.0, "p99": 7.0}


def test_nothing_measured_gives_no_percentiles() -> None:
    assert summary([]) == {"p50": None, "p95": None, "p99": None}


def test_sustained_rate_leaves_out_the_fill_and_the_drain() -> None:
    steady = [10_000 + 10 * n for n in range(1000)]  # 100 per second, after a 10 s fill
    assert sustained_rate(0, steady) == pytest.approx(100, rel=0.01)


def test_a_run_too_short_for_a_window_counts_as_a_whole() -> None:
    assert sustained_rate(0, [2_000] * 50) == pytest.approx(25)


def test_completions_are_counted_per_second_since_the_start() -> None:
    assert per_second(1_000, [1_100, 1_900, 2_000, 4_500]) == [2, 1, 0, 1]


def test_only_loopback_brokers_are_accepted() -> None:
    require_loopback("127.0.0.1:9092,localhost:9093")
    with pytest.raises(NotLoopback):
        require_loopback("127.0.0.1:9092,kafka.example.org:9092")


def _received(record_value: bytes, report_id: str) -> tuple[bytes, bytes]:
    sent = json.loads(record_value)
    received = {
        "channel": sent["channel"],
        "text": sent["text"].removeprefix("Lapor min, "),  # intake may rewrite the text
        "location": sent["location"],
    }
    value = json.dumps(received).encode()
    return report_id.encode(), value


def test_a_report_is_followed_from_intake_to_its_reporter() -> None:
    record = Generator("t1", malformed_share=0).report(0)
    watch = Watch()
    watch.expect([record])
    key, value = _received(record.value, "r-1")
    watch.see(topics.INTAKE, record.key, record.value, 1_000, [])
    watch.see(topics.REPORTS, key, value, 1_100, [("event_type", b"ReportReceived")])
    watch.see(topics.skpd_topic("PDAM"), key, b"{}", 1_300, [])
    watch.see(topics.CASES, key, b"{}", 1_200, [])
    watch.see(topics.CASES, key, b"{}", 1_900, [])
    watch.see(topics.outbound_topic("sms"), key, b"{}", 1_400, [])
    journey = watch.journeys[record.key.decode()]
    assert (journey.intake, journey.skpd, journey.case, journey.outbound) == (
        1_000,
        1_300,
        1_200,
        1_400,
    )
    assert watch.completed([record.key.decode()]) == 1


def test_stage_records_read_before_their_report_received_still_count() -> None:
    record = Generator("t2", malformed_share=0).report(0)
    watch = Watch()
    watch.expect([record])
    key, value = _received(record.value, "r-2")
    watch.see(topics.CASES, key, b"{}", 1_200, [])
    watch.see(topics.REPORTS, key, value, 1_100, [("event_type", b"ReportReceived")])
    assert watch.journeys[record.key.decode()].case == 1_200


def test_records_of_other_runs_are_ignored() -> None:
    ours, theirs = Generator("t3").report(0), Generator("t4").report(0)
    watch = Watch()
    watch.expect([ours])
    key, value = _received(theirs.value, "r-3")
    watch.see(topics.REPORTS, key, value, 1_100, [("event_type", b"ReportReceived")])
    watch.see(topics.DEADLETTER, theirs.key, theirs.value, 1_200, [])
    assert watch.by_report == {} and watch.deadlettered == 0


def test_a_profile_ranks_the_projects_functions_by_their_share_of_samples() -> None:
    from bench.profile import leaves, top

    lines = [
        "run (asyncio/runners.py:1);batch (shared/processing.py:67);get (eventsourcing/a.py:3) 6",
        "run (asyncio/runners.py:1);batch (shared/processing.py:67);put (eventsourcing/b.py:4) 3",
        "run (asyncio/runners.py:1);select (selectors.py:468) 1",
        "junk",
    ]
    assert dict(top(lines, 3)) == {
        "batch (shared/processing.py:67)": 0.9,
        "get (eventsourcing/a.py:3)": 0.6,
        "put (eventsourcing/b.py:4)": 0.3,
    }
    assert leaves(lines, 1) == [("get (eventsourcing/a.py:3)", 0.6)]


def test_work_per_report_counts_events_records_and_cpu_over_accepted_reports() -> None:
    from bench.work import Tally, per_report

    start = Tally({"intake": 10, "routing": 5}, {topics.INTAKE: 100, topics.REPORTS: 40})
    end = Tally(
        {"intake": 30, "routing": 15, "tracking": 20, "notification": 10},
        {topics.INTAKE: 110, topics.REPORTS: 60, topics.CASES: 10},
    )
    readers = {topics.INTAKE: {"intake"}, topics.REPORTS: {"routing", "tracking"}}
    work = per_report(start, end, readers, {"intake": 0.5, "routing": 0.3}, accepted=10)
    assert work["stored_events_per_report"] == 6.0  # (20 + 10 + 20 + 10) / 10
    # produced: 20 reports + 10 cases (the intake topic's 10 are the bench's); consumed:
    # 10 by intake, 20 twice by routing and tracking, the cases by nobody here
    assert work["kafka_records_per_report"] == (30 + 10 + 40) / 10
    assert work["cpu_ms_per_report"] == 80.0
    assert "store_transactions_per_report" not in work  # SQLite: no server to count them


def test_work_per_report_counts_store_transactions_over_accepted_reports() -> None:
    from bench.work import Tally, per_report

    start = Tally({}, {}, {"intake": 100, "routing": 50})
    end = Tally({}, {}, {"intake": 130, "routing": 60, "tracking": 40})
    work = per_report(start, end, {}, {}, accepted=10)
    assert work["store_transactions_per_report"] == 8.0  # (30 + 10 + 40) / 10
    assert work["store_transactions_per_report_by_service"] == {
        "intake": 3.0,
        "routing": 1.0,
        "tracking": 4.0,
    }
