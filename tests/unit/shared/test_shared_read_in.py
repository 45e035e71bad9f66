"""Off PostgreSQL a read over many values goes in padded `IN (…)` lists of a few repeating
texts, each within the parameters psycopg keeps a parsed text for."""

from __future__ import annotations

from typing import Any

from shared.tables import IN_CHUNK, MemoryDatabase, chunks, read_in


class Counting(MemoryDatabase):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.params: list[int] = []

    def read(self, sql: str, params: Any) -> list[dict[str, Any]]:
        self.texts.append(sql)
        self.params.append(len(params))
        return super().read(sql, params)


def test_many_values_are_read_in_lists_of_a_few_texts_within_the_cached_parameters() -> None:
    db = Counting()
    db._conn.execute("CREATE TABLE t (k TEXT, n INTEGER)")
    db._conn.executemany("INSERT INTO t VALUES (?, ?)", [(f"k{i}", i) for i in range(300)])
    asked = [f"k{i}" for i in range(0, 300, 3)]
    rows = read_in(db, "SELECT n FROM t WHERE k {in} AND n < :high", asked, {"high": 200})
    assert sorted(r["n"] for r in rows) == list(range(0, 200, 3))
    assert len(db.texts) == -(-len(asked) // IN_CHUNK)
    assert len(set(db.texts)) <= 2 and max(db.params) <= 50


def test_no_values_read_nothing() -> None:
    db = Counting()
    assert read_in(db, "SELECT n FROM t WHERE k {in}", []) == []
    assert db.texts == []


def test_a_chunk_is_padded_to_a_power_of_two_with_its_own_last_value() -> None:
    assert list(chunks(["a", "b", "c", "d", "e"], 4)) == [["a", "b", "c", "d"], ["e"]]
    assert list(chunks(["a", "b", "c"], 8)) == [["a", "b", "c", "c"]]
