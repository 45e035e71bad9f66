"""A rebuild on PostgreSQL (event store and read model): every kind of case event, and events
stored by older code, replay into the rows the live projection wrote, under the same indexes
(dropped while the replay runs, built again at its end), whether today's events are decoded
fast or the general way."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "tracking"))
from test_tracking_fast_decoding import (
    both_ways_a_rebuild_writes_the_live_rows,
    case_records,
    counting_decoder,
)
from test_tracking_rebuild_indexes import a_rebuild_keeps_the_indexes_and_the_rows, secondary
from test_tracking_rebuild_indexes import index_definitions as indexes
from test_tracking_stored_v2 import _store
from tracking_helpers import Feed

from tests.integration.test_tracking_stored_events_postgres import parts  # noqa: F401 (the fixture)
from tracking.bootstrap import TrackingParts

pytestmark = pytest.mark.integration


def test_a_rebuild_on_postgresql_writes_the_live_rows_under_the_same_indexes(
    parts: TrackingParts,  # noqa: F811
) -> None:
    assert parts.app.factory.__module__ == "eventsourcing.postgres"
    _store(parts.app)  # events stored by main at 3a5511c, projected live first
    a_rebuild_keeps_the_indexes_and_the_rows(Feed(parts.app), parts)
    assert "ix_cases_search_trgm" in secondary(indexes(parts.engine))


def test_a_rebuild_on_postgresql_writes_the_same_rows_fast_and_the_general_way(
    parts: TrackingParts,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    migrated = indexes(parts.engine)
    both_ways_a_rebuild_writes_the_live_rows(Feed(parts.app), parts, monkeypatch)
    assert indexes(parts.engine) == migrated
    decode, fell_back = counting_decoder(parts, monkeypatch)
    records = case_records(parts)
    for record in records:
        decode(record)
    old = [r for r in records if b'"class_version":2' in r.state]
    assert fell_back == old and len(records) > len(old) > 20  # only the old ones the long way
