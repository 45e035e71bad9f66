"""Tracking on PostgreSQL (event store and read model): stores written before typed case events
are read as they were, and today's typed events are stored, replayed and published."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, select

from shared.clock import FixedClock
from shared.db import ensure_database
from shared.settings import CommonSettings
from tracking.adapters.tables import case_history, cases, timeline
from tracking.application.translate import PUBLISHED, translate
from tracking.bootstrap import TrackingParts, assemble
from tracking.domain.case import Case

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "tracking"))
from test_tracking_stored_v2 import _store, now_and_then
from tracking_helpers import START, Feed, build, settings
from tracking_lives import every_kind_of_life

pytestmark = pytest.mark.integration


@pytest.fixture
def parts(postgres_url: str, tmp_path: Path) -> Iterator[TrackingParts]:
    """Tracking with its event store and its read model in fresh PostgreSQL databases."""
    name = f"rm_{uuid.uuid4().hex[:12]}"
    ensure_database(postgres_url, name)
    url = make_url(postgres_url).set(drivername="postgresql+psycopg", database=name)
    config = settings(tmp_path)
    config.read_model_url = url.render_as_string(hide_password=False)
    common = CommonSettings(database_url=postgres_url)
    service = f"t{uuid.uuid4().hex[:10]}"
    ensure_database(postgres_url, common.database_name(service))
    built = assemble(config, FixedClock(START), common.eventsourcing_env(service))
    yield built
    built.engine.dispose()
    built.app.close()


def _rows(parts: TrackingParts) -> dict[str, list[tuple[Any, ...]]]:
    """The read model's rows as SQLAlchemy reads them (the same types on both databases)."""
    with parts.engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in (cases, case_history, timeline)
        }


def _published(parts: TrackingParts) -> list[Any]:
    app = parts.app
    return [
        out.event
        for notification in app.recorder.select_notifications(0, 10_000)
        for out in translate(app.mapper.to_domain_event(notification))
    ]


def test_events_stored_before_typed_events_rebuild_the_rows_sqlite_rebuilds(
    parts: TrackingParts, tmp_path: Path
) -> None:
    assert parts.app.factory.__module__ == "eventsourcing.postgres"
    _store(parts.app)
    parts.projector.rebuild()
    (tmp_path / "sqlite").mkdir()
    on_sqlite = build(tmp_path / "sqlite", FixedClock(START))
    _store(on_sqlite.app)
    on_sqlite.projector.rebuild()  # equal to the rows main wrote (the unit tests prove it)
    assert _rows(parts) == _rows(on_sqlite)
    assert len(_rows(parts)["cases"]) == 10
    on_sqlite.engine.dispose()


def test_events_stored_before_typed_events_publish_as_they_did(parts: TrackingParts) -> None:
    _store(parts.app)
    now, then = now_and_then(_published(parts))
    assert now == then


def test_typed_events_are_stored_replayed_and_published_on_postgresql(
    parts: TrackingParts,
) -> None:
    every_kind_of_life(Feed(parts.app), parts)
    live = _rows(parts)
    parts.projector.rebuild()
    assert _rows(parts) == live
    assert {type(event) for event in _published(parts)} == set(PUBLISHED)
    for row in live["cases"]:
        case = parts.app.repository.get(row[0])
        assert isinstance(case, Case)
        assert (case.tracking_id, case.status.value) == (row[1], row[2])
