"""Tracking's read-model migrations on a real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, make_url, text

from shared.db import ensure_database
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.tables import metadata

pytestmark = pytest.mark.integration


@pytest.fixture
def url(postgres_url: str) -> str:
    """The SQLAlchemy URL of a fresh, empty database."""
    name = f"rm_{uuid.uuid4().hex[:12]}"
    ensure_database(postgres_url, name)
    fresh = make_url(postgres_url).set(drivername="postgresql+psycopg", database=name)
    return fresh.render_as_string(hide_password=False)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = read_model_engine(url)
    yield engine
    engine.dispose()


def _start_replica(url: str) -> None:
    engine = read_model_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def _versions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT version_num FROM alembic_version")))


def test_migrated_database_matches_the_declared_tables(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_migrating_again_keeps_the_rows_and_the_version(engine: Engine) -> None:
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO projection_position (name, position) VALUES ('cases', 7)"))
    versions = _versions(engine)
    migrate(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT position FROM projection_position")) == 7
    assert _versions(engine) == versions


def test_replicas_starting_together_migrate_once(url: str, engine: Engine) -> None:
    with ProcessPoolExecutor(max_workers=4) as pool:
        list(pool.map(_start_replica, [url] * 4))  # a replica that failed re-raises here
    assert len(_versions(engine)) == 1
