"""An intake store written by an older main, its events copied into PostgreSQL in log order."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from intake.adapters.keys import SqlKeys
from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from shared.clock import FixedClock
from shared.db import ensure_database
from shared.processing import Statement
from shared.settings import CommonSettings

FIXTURES = Path(__file__).parents[1] / "unit" / "intake" / "fixtures"


def old_store_on_postgres(
    postgres_url: str, store: str, tmp_path: Path, clock: FixedClock
) -> tuple[Callable[[], IntakeApplication], SqlKeys]:
    """Opens today's intake on a fresh database holding the fixture's events (and its keys
    file beside), as if never migrated; the old keys store is returned to be closed."""
    shutil.copy(FIXTURES / store / "intake-events-keys.sqlite", tmp_path / "keys.sqlite")
    common = CommonSettings(database_url=postgres_url)
    service = f"t{uuid.uuid4().hex[:10]}"
    ensure_database(postgres_url, common.database_name(service))
    env = common.eventsourcing_env(service)
    keys = SqlKeys(f"sqlite:///{tmp_path / 'keys.sqlite'}")

    def open_() -> IntakeApplication:
        return bootstrap(IntakeSettings(), clock=clock, env=dict(env), keys=keys).application

    empty = open_()
    with sqlite3.connect(FIXTURES / store / "intake-events.sqlite") as old:
        rows = old.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "ORDER BY rowid"
        ).fetchall()
        tables = _table_rows(old)
    empty.recorder.insert_events([StoredEvent(UUID(i), v, t, s) for i, v, t, s in rows])
    empty.books.run([*tables, Statement("DELETE FROM intake_migrations", {})])  # never migrated
    empty.close()
    return open_, keys


def _table_rows(old: sqlite3.Connection) -> list[Statement]:
    """The rows of the fixture's own intake tables (bookkeeping written with its events)."""
    names = [
        row[0]
        for row in old.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'intake_%'"
        )
    ]
    found: list[Statement] = []
    for name in names:
        cursor = old.execute(f"SELECT * FROM {name}")
        columns = [c[0] for c in cursor.description]
        insert = (
            f"INSERT INTO {name} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)}) ON CONFLICT DO NOTHING"
        )
        found += [Statement(insert, dict(zip(columns, row, strict=True))) for row in cursor]
    return found
