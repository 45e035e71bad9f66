"""A rebuild drops the read model's secondary indexes while it replays and builds the same ones
again at the end of the log; a replay cut short leaves them to the next start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from tracking_helpers import REPORTS, Feed, Report, settings
from tracking_lives import dump, every_kind_of_life

from shared.clock import FixedClock
from tracking.bootstrap import TrackingParts, assemble


def index_definitions(engine: Engine) -> dict[str, str]:
    """Every index of the read model by name, as the database tells its definition."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        else:
            query = "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index'"
        return {name: definition for name, definition in conn.execute(text(query))}


def secondary(definitions: dict[str, str]) -> set[str]:
    """The case tables' secondary indexes among them (named `ix_` by the schema)."""
    return {name for name in definitions if name.startswith("ix_")}


def a_rebuild_keeps_the_indexes_and_the_rows(feed: Feed, parts: TrackingParts) -> None:
    """Rows and index definitions after a rebuild are those the live projection had."""
    every_kind_of_life(feed, parts)
    live, migrated = dump(parts.engine), index_definitions(parts.engine)
    assert {"ix_cases_desk", "ix_timeline_at", "ix_case_history_at"} <= secondary(migrated)
    parts.projector.rebuild_batch_size = 5  # many pages: the indexes come back after the last
    assert parts.projector.rebuild() == parts.projector.head()
    assert index_definitions(parts.engine) == migrated
    assert dump(parts.engine) == live


def test_a_rebuild_builds_the_indexes_it_dropped_again(feed: Feed, parts: TrackingParts) -> None:
    a_rebuild_keeps_the_indexes_and_the_rows(feed, parts)


def test_a_reset_drops_the_secondary_indexes_until_the_replay_reaches_the_end(
    feed: Feed, parts: TrackingParts
) -> None:
    feed.send(REPORTS, *(Report(f"LPR-INDEX{n:03d}").received() for n in range(3)))
    parts.projector.catch_up()
    migrated = index_definitions(parts.engine)
    parts.projector.reset()
    assert secondary(index_definitions(parts.engine)) == set()
    assert parts.projector.project_once(2) == 2  # a page, more to come
    assert secondary(index_definitions(parts.engine)) == set()
    assert parts.projector.project_once(2) == 1  # the end of the log
    assert index_definitions(parts.engine) == migrated


def test_a_start_builds_the_indexes_a_replay_cut_short_left_out(
    tmp_path: Path, feed: Feed, parts: TrackingParts
) -> None:
    feed.send(REPORTS, *(Report(f"LPR-INDEX{n:03d}").received() for n in range(3)))
    parts.projector.catch_up()
    migrated = index_definitions(parts.engine)
    parts.projector.reset()
    parts.projector.project_once(1)  # then the process dies
    config = settings(tmp_path)
    config.read_model_url = str(parts.engine.url)
    again = assemble(
        config, FixedClock(parts.clock.now()), {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    )
    assert index_definitions(again.engine) == migrated
    again.engine.dispose()
