"""The read model's Alembic migrations build exactly the tables that `tables.py` declares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Index, inspect, text

from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.migrations import SCRIPT_LOCATION
from tracking.adapters.tables import metadata


def _engine(tmp_path: Path) -> Engine:
    return read_model_engine(f"sqlite:///{tmp_path / 'read_model.sqlite'}")


def _head() -> str | None:
    return ScriptDirectory(str(SCRIPT_LOCATION)).get_current_head()


def _schema(engine: Engine) -> dict[str, Any]:
    found = inspect(engine)
    return {
        name: (
            {column["name"] for column in found.get_columns(name)},
            found.get_pk_constraint(name)["constrained_columns"],
            {index["name"] for index in found.get_indexes(name)},
        )
        for name in found.get_table_names()
        if name != "alembic_version"
    }


def _declared() -> dict[str, Any]:
    return {
        name: (
            {column.name for column in table.columns},
            [column.name for column in table.primary_key.columns],
            {index.name for index in table.indexes if _built_on_sqlite(index)},
        )
        for name, table in metadata.tables.items()
    }


def _built_on_sqlite(index: Index) -> bool:
    """False for an index declared for another database only (`Index.ddl_if(dialect=...)`)."""
    condition = index._ddl_if
    return condition is None or condition.dialect in (None, "sqlite")


def test_migrating_an_empty_database_builds_the_declared_tables(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    migrate(engine)
    assert _schema(engine) == _declared()


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO projection_position (name, position) VALUES ('cases', 7)"))
    before = _schema(engine)
    migrate(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT position FROM projection_position")) == 7
        assert conn.scalars(text("SELECT version_num FROM alembic_version")).all() == [_head()]
    assert _schema(engine) == before


def test_tables_py_has_no_change_without_a_migration(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
