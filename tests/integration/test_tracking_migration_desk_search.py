"""Revision 0006 (the desk's text search index) on a read model that already holds cases, on
SQLite and on PostgreSQL: up, down and up again, the cases kept and found by `q`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, make_url

from bench.desk_speed import NOW, case_rows
from shared.db import ensure_database
from tracking.adapters.bulk import write_rows
from tracking.adapters.case_queries import SqlCaseViews
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.migrations import SCRIPT_LOCATION
from tracking.adapters.tables import cases
from tracking.application.views import DeskFilter

pytestmark = pytest.mark.integration

OLD_INDEXES = {"ix_cases_title_trgm", "ix_cases_text_trgm"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty read model, on SQLite or in a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'read_model.sqlite'}"
    else:
        server = request.getfixturevalue("postgres_url")
        name = f"rm_{uuid.uuid4().hex[:12]}"
        ensure_database(server, name)
        fresh = make_url(server).set(drivername="postgresql+psycopg", database=name)
        url = fresh.render_as_string(hide_password=False)
    built = read_model_engine(url)
    yield built
    built.dispose()


def _move(engine: Engine, step: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, step)(config, revision)


def _indexes(engine: Engine) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes("cases") if index["name"]}


def _found(engine: Engine, words: str) -> set[str]:
    page = SqlCaseViews(engine).desk("PDAM", DeskFilter(q=words), NOW, 1000, 0)
    return {item.tracking_id for item in page.items}


def test_the_search_index_replaces_the_two_old_ones_and_keeps_the_cases(engine: Engine) -> None:
    rows = case_rows(60)
    _move(engine, "upgrade", "0005")
    with engine.begin() as conn:
        write_rows(conn, cases, rows, upsert_on=("report_id",))
    assert _indexes(engine) >= OLD_INDEXES
    migrate(engine)
    assert not OLD_INDEXES & _indexes(engine)
    trigram = engine.dialect.name == "postgresql"
    assert ("ix_cases_search_trgm" in _indexes(engine)) is trigram
    on_desk = [row for row in rows if row["skpd_code"] == "PDAM"]
    expected = {row["tracking_id"] for row in on_desk if "bocor" in row["text"]}
    assert expected and _found(engine, "BOCOR") == expected
    _move(engine, "downgrade", "0005")
    assert _indexes(engine) >= OLD_INDEXES
    migrate(engine)
    assert _found(engine, "BOCOR") == expected
