"""A small application for the batch preload tests: tallies kept per key, snapshotted often."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import singledispatchmethod
from typing import Any, ClassVar
from uuid import UUID

import pytest
from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking

from shared import processing
from shared.processing import BatchProcessApplication, Rejection, derived_id


def tally_id(key: str) -> UUID:
    """The tally of one key."""
    return derived_id("tally", key)


class Tally(Aggregate):
    """A running total per key and the notes that made it."""

    @staticmethod
    def create_id(key: str) -> UUID:
        return tally_id(key)

    @event("Started")
    def __init__(self, key: str) -> None:
        self.key = key
        self.total = 0
        self.notes: list[str] = []

    @event("Added")
    def add(self, amount: int, note: str) -> None:
        self.total += amount
        self.notes.append(note)


@dataclass(frozen=True)
class Bump:
    """Add `amount` to the tally of `key` (a negative amount is refused)."""

    key: str
    amount: int
    note: str
    also: tuple[str, ...] = field(default=())


class Tallies(BatchProcessApplication):
    """Adds each bump to its tally and to the tallies it names `also` (those are not wanted)."""

    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Tally: 3}

    @singledispatchmethod
    def policy(self, message: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Nothing else is known."""

    @policy.register
    def _(self, message: Bump, processing_event: ProcessingEvent[UUID]) -> None:
        for key in (message.key, *message.also):
            tally = self.load(processing_event, tally_id(key), Tally) or Tally(key)
            if message.amount < 0:
                raise Rejection("negative", f"{message.amount} for {key}")
            tally.add(message.amount, message.note)
            processing_event.collect_events(tally)

    def wanted(self, message: Any) -> Iterable[UUID]:
        """The bump's own tally."""
        return [tally_id(message.key)] if isinstance(message, Bump) else ()


class UnpreloadedTallies(Tallies):
    """The same application reading aggregate by aggregate (the path before the preload)."""

    def wanted(self, message: Any) -> Iterable[UUID]:
        return ()


def bumps(count: int, start: int = 0) -> list[Bump]:
    """Bumps over five keys (each several times per batch), one refused, one naming another key."""
    found = [Bump(f"k{i % 5}", i + 1, f"n{i}") for i in range(start, start + count)]
    found[count // 2] = Bump("k1", -1, "refused")
    found[-1] = Bump("k2", 7, "also", also=(f"extra{start}",))
    return found


def run_batches(app: Tallies, batches: Sequence[Sequence[Bump]]) -> None:
    """Each batch in its own transaction, positions 1, 2, ..."""
    for position, batch in enumerate(batches, start=1):
        app.process_batch(list(batch), Tracking("bumps:0", position))


def state(app: Tallies, keys: Iterable[str]) -> dict[str, tuple[int, int, list[str]]]:
    """What the store holds: version, total and notes of each tally."""
    found = {}
    for key in keys:
        tally: Tally = app.repository.get(tally_id(key))
        found[key] = (tally.version, tally.total, list(tally.notes))
    return found


@dataclass
class Reads:
    """How often the store was read: per-aggregate selects and batch preloads."""

    per_aggregate: int = 0
    preloads: int = 0


@contextmanager
def counting_reads(
    app: BatchProcessApplication, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Reads]:
    """Count the recorders' select calls and the preload's queries while the block runs."""
    reads = Reads()
    recorders = [app.recorder] + ([app.snapshots.recorder] if app.snapshots else [])
    with monkeypatch.context() as patch:
        for recorder in recorders:
            original = recorder.select_events

            def select_events(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
                reads.per_aggregate += 1
                return _original(*args, **kwargs)

            patch.setattr(recorder, "select_events", select_events)
        select_many = processing.select_many

        def counted(*args: Any, **kwargs: Any) -> Any:
            reads.preloads += 1
            return select_many(*args, **kwargs)

        patch.setattr(processing, "select_many", counted)
        yield reads
