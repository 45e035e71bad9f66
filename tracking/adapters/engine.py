"""The read model's SQLAlchemy engine (SQLite file by default, PostgreSQL via psycopg 3)."""

from __future__ import annotations

import sqlite3
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import StaticPool

from tracking.adapters import indexes
from tracking.adapters.migrations import SCRIPT_LOCATION
from tracking.adapters.tables import case_history, cases, moderation_acts, timeline

# Any fixed number, the same in every replica: they queue on it while one of them migrates.
_MIGRATION_LOCK = 7_270_001


def read_model_engine(url: str) -> Engine:
    """An engine for the read model; connects only when first used."""
    if url.startswith("sqlite"):
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 10}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            options["poolclass"] = StaticPool  # one shared connection keeps the memory database
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_wal)
        sqlite3.register_adapter(type(None), _null)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def migrate(engine: Engine) -> None:
    """Bring the read model to the newest migration (a no-op when it is there already), with
    the indexes a replay cut short by a crash left dropped."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together wait here; the lock ends with this transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        indexes.restore(connection, (cases, case_history, timeline, moderation_acts))


def _sqlite_wal(dbapi_connection: object, _: object) -> None:
    """WAL, synced at checkpoints only: a commit lost to a power cut loses its position with
    its rows (the read model is derived, the projector writes them again); never corrupts."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _null(value: None) -> None:
    """None as itself: the adapter Python's sqlite3 finds first for every None it binds.

    Without one registered it searches for an adapter on each None (a failed lookup, then
    `__adapt__` and `__conform__`) before binding NULL: about 0.3 µs each, and a rebuild binds
    a third of a million of them per 50,000 events (a case's empty moments, history's unset
    columns). The result is the same NULL, for every SQLite connection of the process.
    """
    return value
