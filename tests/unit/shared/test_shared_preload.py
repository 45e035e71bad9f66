"""The batch preload: one read per batch for every wanted aggregate, the same results as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventsourcing.persistence import Tracking

from shared.preload import select_many
from shared.processing import Batch
from tests.preload_app import (
    Bump,
    Tallies,
    Tally,
    UnpreloadedTallies,
    bumps,
    counting_reads,
    run_batches,
    state,
    tally_id,
)

KEYS = ["k0", "k1", "k2", "k3", "k4", "extra0", "extra20", "extra40"]


def stores(tmp_path: Path, name: str) -> list[dict[str, str]]:
    return [
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / name)},
    ]


@pytest.mark.parametrize("store", [0, 1], ids=["memory", "sqlite"])
def test_preloaded_batches_store_what_message_by_message_reads_stored(
    tmp_path: Path, store: int
) -> None:
    batches = [bumps(20, start) for start in (0, 20, 40)]
    fast = Tallies(env=stores(tmp_path, "fast.sqlite")[store])
    slow = UnpreloadedTallies(env=stores(tmp_path, "slow.sqlite")[store])
    run_batches(fast, batches)
    run_batches(slow, batches)
    assert state(fast, KEYS) == state(slow, KEYS)
    assert state(fast, ["k1"])["k1"][2].count("refused") == 0
    assert fast.snapshots is not None
    assert fast.snapshots.recorder.select_events(tally_id("k0"))  # rebuilt from snapshots too


@pytest.mark.parametrize("size", [5, 50])
def test_a_batch_reads_its_wanted_aggregates_with_one_query_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    app = Tallies(env=stores(tmp_path, "reads.sqlite")[1])
    slow = UnpreloadedTallies(env=stores(tmp_path, "slow.sqlite")[1])
    messages = [Bump(f"k{i % 5}", 1, f"m{i}") for i in range(size)]
    run_batches(slow, [bumps(30), messages])
    run_batches(app, [bumps(30)])  # tallies with snapshots and events after them
    with counting_reads(app, monkeypatch) as reads:
        app.process_batch(messages, Tracking("bumps:0", 2))
    assert (reads.preloads, reads.per_aggregate) == (1, 0)
    assert state(app, KEYS[:5]) == state(slow, KEYS[:5])


def test_an_aggregate_not_wanted_is_still_read_and_a_wanted_absent_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = Tallies(env=stores(tmp_path, "absent.sqlite")[1])
    with counting_reads(app, monkeypatch) as reads:
        app.process_batch([Bump("new", 1, "a", also=("other",))], Tracking("bumps:0", 1))
    assert (reads.preloads, reads.per_aggregate) == (1, 2)  # "other": its snapshot, its events
    assert state(app, ["new", "other"]) == {"new": (2, 1, ["a"]), "other": (2, 1, ["a"])}


def test_select_many_reads_latest_snapshot_and_later_events_on_sqlite(tmp_path: Path) -> None:
    app = Tallies(env=stores(tmp_path, "many.sqlite")[1])
    run_batches(app, [[Bump("k", i, f"n{i}") for i in range(1, 6)], [Bump("k", 6, "n6")] * 2])
    assert app.snapshots is not None
    found = select_many(app.recorder, app.snapshots.recorder, [tally_id("k"), tally_id("none")])
    assert list(found) == [tally_id("k")]
    snapshot, events = found[tally_id("k")]
    assert snapshot is not None and snapshot.originator_version == 6
    assert [e.originator_version for e in events] == [7, 8]


def test_select_many_binds_more_ids_than_sqlite_allows_variables(tmp_path: Path) -> None:
    app = Tallies(env=stores(tmp_path, "wide.sqlite")[1])
    run_batches(app, [[Bump("k", 1, "n")]])
    assert app.snapshots is not None
    many = [tally_id(f"absent{i}") for i in range(40_000)] + [tally_id("k")]
    found = select_many(app.recorder, app.snapshots.recorder, many)
    assert list(found) == [tally_id("k")]


def test_peek_rebuilds_once_per_batch_and_sees_what_the_batch_changed(tmp_path: Path) -> None:
    app = Tallies(env=stores(tmp_path, "peek.sqlite")[1])
    run_batches(app, [[Bump("k", 1, "a")]])
    batch = Batch()
    app.preload(batch, [tally_id("k")])
    first = app.peek(batch, tally_id("k"), Tally)
    assert first is not None and app.peek(batch, tally_id("k"), Tally) is first
    changed = app.load(batch, tally_id("k"), Tally)
    assert changed is not None and changed is not first
    changed.add(2, "b")
    batch.collect_events(changed)
    assert app.peek(batch, tally_id("k"), Tally) is changed
    assert (first.total, changed.total) == (1, 3)
