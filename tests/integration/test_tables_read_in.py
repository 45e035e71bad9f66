"""On both real stores: a read over many values (more than psycopg keeps a parsed text for)
finds every row whose value is among them, and only those, its other conditions kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from routing.application.app import RoutingApplication
from routing.bootstrap import bootstrap
from routing.settings import RoutingSettings
from shared.processing import Statement
from shared.settings import CommonSettings
from shared.tables import IN_CHUNK, PostgresDatabase, database_of, read_in

pytestmark = pytest.mark.integration


@pytest.fixture
def app(store_env: dict[str, str]) -> Iterator[RoutingApplication]:
    settings = RoutingSettings(common=CommonSettings(database_url=None))
    opened: RoutingApplication = bootstrap(settings, env=dict(store_env)).application
    yield opened
    opened.close()


@pytest.mark.parametrize("count", [1, IN_CHUNK + 1, 5 * IN_CHUNK - 3])
def test_a_read_over_many_values_finds_exactly_their_rows(
    app: RoutingApplication, count: int
) -> None:
    db, _ = database_of(app.recorder)
    db.run(
        [Statement("CREATE TABLE t_read_in (k TEXT PRIMARY KEY, n INTEGER NOT NULL)", {})]
        + [
            Statement("INSERT INTO t_read_in (k, n) VALUES (:k, :n)", {"k": f"k{i}", "n": i})
            for i in range(400)
        ]
    )
    asked = [f"k{i}" for i in range(0, 2 * count, 2)] + ["absent"]
    rows = read_in(db, "SELECT k, n FROM t_read_in WHERE k {in} AND n >= :low", asked, {"low": 4})
    assert sorted(r["n"] for r in rows) == [i for i in range(0, 2 * count, 2) if i >= 4]
    assert isinstance(db, PostgresDatabase) == (
        "postgres" in str(app.env.get("PERSISTENCE_MODULE"))
    )
