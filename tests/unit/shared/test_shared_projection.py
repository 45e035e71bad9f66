"""Aggregates are rebuilt by `shared.processing.project`: eventsourcing's projection, the same
result, without its per-event runtime protocol check."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.application import Repository, project_aggregate
from eventsourcing.persistence import Tracking

from shared import processing
from shared.processing import project
from tests.preload_app import Tallies, Tally, UnpreloadedTallies, bumps, run_batches, tally_id

KEYS = ["k0", "k1", "k2", "k3", "k4", "extra0"]


def _stored(app: Tallies, key: str) -> list[Any]:
    return list(app.events.get(tally_id(key)))


def _tallies(tmp_path: Path, cls: type[Tallies] = Tallies) -> Tallies:
    name = str(tmp_path / f"{cls.__name__}.db")
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": name}
    app = cls(env=env)
    run_batches(app, [bumps(20), bumps(20, 20)])
    return app


def test_project_rebuilds_what_eventsourcings_projection_rebuilds(tmp_path: Path) -> None:
    app = _tallies(tmp_path)
    for key in KEYS:
        events = _stored(app, key)
        assert project(None, events) == project_aggregate(None, events)
        first, rest = events[:2], events[2:]
        assert project(project(None, first), rest) == project_aggregate(None, events)


def test_an_object_without_mutate_is_refused_not_skipped() -> None:
    with pytest.raises(AttributeError, match="mutate"):
        project(None, [object()])


def test_the_repository_and_the_batch_rebuild_with_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preloaded, by_aggregate = _tallies(tmp_path), _tallies(tmp_path, UnpreloadedTallies)
    used: list[int] = []

    def counted(aggregate: Any, events: Any) -> Any:
        used.append(1)
        return project(aggregate, events)

    monkeypatch.setattr(processing, "project", counted)
    tally: Tally = preloaded.repository.get(tally_id("k0"))  # as the relay's translations read
    assert (len(used), tally.total) == (1, project(None, _stored(preloaded, "k0")).total)
    for app in (preloaded, by_aggregate):  # rebuilt from the preload, and one by one
        used.clear()
        app.process_batch(bumps(5, 40), Tracking("bumps:0", 3))
        assert used


def test_the_pinned_repository_still_takes_a_projector_function() -> None:
    """What `PendingRepository.get` relies on: eventsourcing's public `projector_func` keyword
    (if a new version drops or renames it, this fails before the applications do)."""
    parameter = inspect.signature(Repository.get).parameters["projector_func"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is project_aggregate
