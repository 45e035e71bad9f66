"""A reset empties the projection's own tables whole, and only its rows of the shared ones;
the SQLite read model commits without a sync of its own (WAL, synced at checkpoints), and a
reset frees its pages without writing each again; a None is bound without an adapter search."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sqlalchemy import event, func, insert, select
from tracking_helpers import REPORTS, Feed, Report
from tracking_lives import TABLES

from tracking.adapters.tables import projection_position, projection_quarantine
from tracking.bootstrap import TrackingParts


def test_a_reset_empties_the_case_tables_and_keeps_other_projections_rows(
    feed: Feed, parts: TrackingParts
) -> None:
    feed.send(REPORTS, Report("LPR-RESET001").received(), Report("LPR-RESET002").received())
    parts.projector.catch_up()
    with parts.engine.begin() as conn:
        conn.execute(insert(projection_position).values(name="other", position=7))
        conn.execute(
            insert(projection_quarantine).values(
                projection="other", notification_id=3, event="x", error="y", at=datetime.now(UTC)
            )
        )
    parts.projector.reset()
    with parts.engine.connect() as conn:
        counts = {t.name: conn.scalar(select(func.count()).select_from(t)) for t in TABLES}
        positions = conn.execute(select(projection_position)).all()
        held = conn.execute(select(projection_quarantine.c.projection)).scalars().all()
    assert counts == dict.fromkeys(counts, 0)
    assert [tuple(p) for p in positions] == [("other", 7)]
    assert held == ["other"]
    assert parts.projector.position() == 0
    assert parts.projector.catch_up() == 2  # replayed from zero


def test_the_sqlite_read_model_writes_ahead_and_syncs_at_checkpoints(parts: TrackingParts) -> None:
    with parts.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_sqlite_reset_frees_the_pages_without_writing_zeros_over_them(
    feed: Feed, parts: TrackingParts
) -> None:
    parts.engine.dispose()  # every connection deletes securely, as Debian's SQLite does
    event.listen(parts.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA secure_delete=1"))
    feed.send(REPORTS, *(Report(f"LPR-FREED{n:03d}").received() for n in range(300)))
    parts.projector.catch_up()
    with parts.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL starts empty
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar() or 0
    parts.projector.reset()
    with parts.engine.connect() as conn:
        _, written, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint").one()
        secure = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
    assert pages > 100
    assert written < pages / 4  # zeroing every freed page would write each of them
    assert secure == 1  # the connection deletes securely again


def test_the_sqlite_read_model_binds_none_as_null_without_searching_an_adapter(
    parts: TrackingParts,
) -> None:
    found = sqlite3.adapters.get((type(None), sqlite3.PrepareProtocol))
    assert found is not None and found(None) is None
    with parts.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TEMP TABLE nulls (value)")
        conn.exec_driver_sql("INSERT INTO nulls VALUES (?)", (None,))
        assert conn.exec_driver_sql("SELECT value IS NULL FROM nulls").scalar() == 1
