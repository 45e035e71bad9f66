"""Tracking's projector on a real PostgreSQL read model: quarantine, replay equals live, and a
batch is written with a fixed number of statements, storing what row-by-row inserts store."""

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
from tracking.adapters.tables import case_history, cases, timeline
from tracking.bootstrap import TrackingParts, assemble

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "tracking"))
from tracking_helpers import (
    DISPOSITIONS,
    PDAM_ACTIONS,
    REPORTS,
    START,
    Feed,
    Report,
    settings,
)
from tracking_lives import (
    a_batch_projects_what_single_events_do,
    batches_cost_the_same_statements,
    bulk_writes_store_what_plain_inserts_store,
    varied_lives,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def parts(postgres_url: str, tmp_path: Path) -> Iterator[TrackingParts]:
    """Tracking with its read model in a fresh PostgreSQL database (events in memory)."""
    name = f"rm_{uuid.uuid4().hex[:12]}"
    ensure_database(postgres_url, name)
    url = make_url(postgres_url).set(drivername="postgresql+psycopg", database=name)
    config = settings(tmp_path)
    config.read_model_url = url.render_as_string(hide_password=False)
    built = assemble(config, FixedClock(START), {"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield built
    built.engine.dispose()


def _dump(parts: TrackingParts) -> dict[str, list[tuple[Any, ...]]]:
    with parts.engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in (cases, timeline, case_history)
        }


def test_a_text_postgresql_refuses_is_quarantined_and_later_reports_still_show(
    parts: TrackingParts,
) -> None:
    feed = Feed(parts.app)
    poisoned = Report("LPR-NULTEXT1").received()
    feed.send(REPORTS, poisoned.model_copy(update={"text": "Air\x00mati"}))
    feed.send(REPORTS, Report("LPR-AFTERNUL").received())
    for _ in range(3):  # a DataError each time: the third attempt quarantines the event
        try:
            parts.projector.catch_up()
        except Exception as error:
            assert "NUL" in str(error) or "0x00" in str(error)
    assert parts.views.by_tracking_id("LPR-AFTERNUL") is not None
    [held] = parts.projector.quarantined()
    assert "DataError" in held.error
    assert parts.projector.health() == ["projection cases: 1 event(s) quarantined"]


def test_replay_equals_the_live_projection_on_postgresql(parts: TrackingParts) -> None:
    feed = Feed(parts.app)
    for n in range(5):
        report = Report(f"LPR-REPLAY0{n}")
        feed.send(REPORTS, report.received())
        feed.send(DISPOSITIONS, report.disposed())
        feed.send(PDAM_ACTIONS, report.follow_up(), report.resolve())
        parts.projector.catch_up()
    live = _dump(parts)
    parts.projector.rebuild()
    assert _dump(parts) == live


def test_a_batch_costs_the_same_statements_whatever_its_size_on_postgresql(
    parts: TrackingParts,
) -> None:
    sent = batches_cost_the_same_statements(Feed(parts.app), parts)
    # New cases, history and timeline copied in; the cases already there upserted.
    assert sum(sql.startswith("COPY ") for sql in sent) == 3
    assert sum("unnest" in sql for sql in sent) == 1


def test_a_batch_projects_the_rows_one_event_at_a_time_would_on_postgresql(
    parts: TrackingParts,
) -> None:
    a_batch_projects_what_single_events_do(Feed(parts.app), parts)


def test_bulk_writes_store_what_plain_inserts_store_on_postgresql(parts: TrackingParts) -> None:
    varied_lives(Feed(parts.app), parts, 2)
    parts.projector.catch_up()
    assert bulk_writes_store_what_plain_inserts_store(parts.engine)
