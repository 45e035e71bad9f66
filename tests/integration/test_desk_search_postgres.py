"""The desk's text search (`q`) on a real PostgreSQL read model: it lists exactly the body's
cases whose title or text holds the words (any case, inside words too), and it is served by the
trigram index of migration 0006."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, make_url, select, text

from bench.desk_speed import NOW, case_rows
from shared.db import ensure_database
from tracking.adapters.bulk import write_rows
from tracking.adapters.case_queries import SqlCaseViews, desk_conditions
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.tables import cases
from tracking.application.views import DeskFilter

pytestmark = pytest.mark.integration

COUNT = 2_000


def _extra(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cases whose words the bench's cases never hold: one PDAM's, one shared with PDAM, one
    of another body's desk."""
    own, shared, other = (dict(row, report_id=uuid.uuid4()) for row in rows[:3])
    own.update(tracking_id="LPR-SEARCH001", skpd_code="PDAM", title="KEBOCORAN Pipa Induk",
               text="Air merembes 50% dari sambungan_pipa di gang Mawar.")  # fmt: skip
    shared.update(tracking_id="LPR-SEARCH002", skpd_code="DLH", also_codes=",PDAM,",
                  title="Genangan", text="Pipa pecah di gang mawar, sampah hanyut.")  # fmt: skip
    other.update(tracking_id="LPR-SEARCH003", skpd_code="DLH", also_codes="",
                 title="Gang Mawar kotor", text="Sampah di gang mawar belum diangkut.")  # fmt: skip
    return [own, shared, other]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    base = case_rows(COUNT)
    return base + _extra(base)


@pytest.fixture(scope="module")
def engine(postgres_url: str, rows: list[dict[str, Any]]) -> Iterator[Engine]:
    """A fresh read model in its own PostgreSQL database, holding the rows."""
    name = f"rm_{uuid.uuid4().hex[:12]}"
    ensure_database(postgres_url, name)
    url = make_url(postgres_url).set(drivername="postgresql+psycopg", database=name)
    built = read_model_engine(url.render_as_string(hide_password=False))
    migrate(built)
    with built.begin() as conn:
        write_rows(conn, cases, rows, upsert_on=("report_id",))
        conn.execute(text("ANALYZE cases"))
    yield built
    built.dispose()


def _on_pdam_desk(row: dict[str, Any]) -> bool:
    return row["skpd_code"] == "PDAM" or ",PDAM," in row["also_codes"]


def _expected(rows: list[dict[str, Any]], words: str) -> set[str]:
    """What `q` promises: the tracking id, or the words anywhere in the title or text."""
    return {
        row["tracking_id"]
        for row in rows
        if _on_pdam_desk(row)
        and (
            row["tracking_id"] == words.upper()
            or words.lower() in f"{row['title']}\n{row['text']}".lower()
        )
    }


def _listed(engine: Engine, words: str) -> tuple[set[str], int]:
    page = SqlCaseViews(engine).desk("PDAM", DeskFilter(q=words), NOW, 10_000, 0)
    return {item.tracking_id for item in page.items}, page.total


@pytest.mark.parametrize(
    "words",
    ["bocor", "BOCORAN pipa", "gang mawar", "50%", "sambungan_pipa", "air keruh", "nomor 1999",
     "lpr-search002", "tidak ada kata ini"],
)  # fmt: skip
def test_q_lists_exactly_the_bodys_cases_holding_the_words(
    engine: Engine, rows: list[dict[str, Any]], words: str
) -> None:
    listed, total = _listed(engine, words)
    assert listed == _expected(rows, words)
    assert total == len(listed)


def test_q_finds_a_word_inside_a_longer_one_and_never_another_bodys_case(engine: Engine) -> None:
    assert _listed(engine, "bocor")[0] >= {"LPR-SEARCH001"}
    assert _listed(engine, "gang mawar")[0] == {"LPR-SEARCH001", "LPR-SEARCH002"}


def test_q_is_served_by_the_trigram_index(engine: Engine) -> None:
    condition = desk_conditions(DeskFilter(q="mawar"), NOW)
    query = select(cases.c.report_id).where(*condition)
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}").scalars())
    assert "ix_cases_search_trgm" in plan, plan


def test_q_pages_list_each_case_once_and_count_all_even_past_the_end(
    engine: Engine, rows: list[dict[str, Any]]
) -> None:
    expected = _expected(rows, "air keruh")
    views = SqlCaseViews(engine)
    offsets = [*range(0, len(expected), 70), len(expected) + 5]
    pages = [views.desk("PDAM", DeskFilter(q="air keruh"), NOW, 70, at) for at in offsets]
    listed = [item.tracking_id for page in pages for item in page.items]
    assert sorted(listed) == sorted(expected)
    assert {page.total for page in pages} == {len(expected)}
