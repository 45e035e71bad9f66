"""The projector writes a batch with a fixed number of statements, and the rows one by one would."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite
from tracking_helpers import REPORTS, Feed, Report
from tracking_lives import (
    a_batch_projects_what_single_events_do,
    batches_cost_the_same_statements,
    bulk_writes_store_what_plain_inserts_store,
    varied_lives,
)

from tracking.adapters import case_rows
from tracking.adapters.tables import UTCDateTime
from tracking.bootstrap import TrackingParts


def test_a_batch_projects_the_rows_one_event_at_a_time_would(
    feed: Feed, parts: TrackingParts
) -> None:
    a_batch_projects_what_single_events_do(feed, parts)


def test_a_batch_costs_the_same_statements_whatever_its_size(
    feed: Feed, parts: TrackingParts
) -> None:
    batches_cost_the_same_statements(feed, parts)


def test_bulk_writes_store_what_plain_inserts_store(feed: Feed, parts: TrackingParts) -> None:
    varied_lives(feed, parts, 2)
    parts.projector.catch_up()
    assert bulk_writes_store_what_plain_inserts_store(parts.engine)


def test_a_bad_event_mid_batch_holds_back_only_itself(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, poisoned, after = (Report(f"LPR-MID{n}AAAA") for n in range(3))
    feed.send(REPORTS, before.received(), poisoned.received(), after.received())

    def project_all(conn: Any, events: Any) -> None:
        if any(getattr(event, "tracking_id", "") == poisoned.tracking_id for event in events):
            raise ValueError("cannot project this one")
        case_rows.project_all(conn, events)

    monkeypatch.setattr("tracking.adapters.projector.project_all", project_all)
    with pytest.raises(ValueError):
        parts.projector.catch_up()
    assert parts.views.by_tracking_id(before.tracking_id) is not None  # in before the raise
    assert parts.views.by_tracking_id(after.tracking_id) is None
    for _ in range(2):  # bounded attempts: the last quarantines, the rest goes on
        with contextlib.suppress(ValueError):
            parts.projector.catch_up()
    assert parts.views.by_tracking_id(after.tracking_id) is not None
    [held] = parts.projector.quarantined()
    assert "cannot project this one" in held.error


@pytest.mark.parametrize("offset_hours", [0, 8, -5])
@pytest.mark.parametrize("microsecond", [0, 7, 999_999])
def test_moments_are_stored_in_sqlites_datetime_text(offset_hours: int, microsecond: int) -> None:
    dialect = sqlite.dialect()
    zone = timezone(timedelta(hours=offset_hours))
    moment = datetime(2024, 8, 12, 9, 0, 5, microsecond, tzinfo=zone)
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    theirs = sqlite.DATETIME().bind_processor(dialect)
    assert ours is not None and theirs is not None
    assert ours(moment) == theirs(moment.astimezone(UTC).replace(tzinfo=None))
