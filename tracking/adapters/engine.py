"""The read model's SQLAlchemy engine (SQLite file by default, PostgreSQL via psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from tracking.adapters.tables import metadata


def read_model_engine(url: str) -> Engine:
    """An engine for the read model; connects only when first used."""
    if url.startswith("sqlite"):
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 10}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            options["poolclass"] = StaticPool  # one shared connection keeps the memory database
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_wal)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def create_tables(engine: Engine) -> None:
    """Create the read model's tables if missing (Alembic migrations come later)."""
    metadata.create_all(engine)


def _sqlite_wal(dbapi_connection: object, _: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
