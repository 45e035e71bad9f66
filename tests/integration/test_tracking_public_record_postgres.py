"""The public record on a real PostgreSQL read model: pages and the open-data stream give the
same list, in the same order, across receipt moments shared by several reports."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, make_url

from bench.public_feed import case_rows, fill
from shared.db import ensure_database
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.public_queries import SqlPublicReports
from tracking.application.public import BoundingBox, PublicFilter

pytestmark = pytest.mark.integration

COUNT = 2_500
CITY = BoundingBox(-3.40, 114.52, -3.26, 114.68)


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    """A fresh read model in its own PostgreSQL database, holding COUNT case rows."""
    name = f"rm_{uuid.uuid4().hex[:12]}"
    ensure_database(postgres_url, name)
    url = make_url(postgres_url).set(drivername="postgresql+psycopg", database=name)
    built = read_model_engine(url.render_as_string(hide_password=False))
    migrate(built)
    fill(built, COUNT, chunk=1000)
    yield built
    built.dispose()


def _expected() -> list[str]:
    """Public rows (neither rahasia nor hidden), newest first, then by tracking id."""
    rows = [r for r in case_rows(COUNT) if not r["rahasia"] and not r["hidden"]]
    rows.sort(key=lambda r: r["tracking_id"])
    rows.sort(key=lambda r: r["received_at"], reverse=True)
    return [r["tracking_id"] for r in rows]


def test_pages_and_the_stream_give_exactly_the_public_list(engine: Engine) -> None:
    reports = SqlPublicReports(engine, CITY)
    expected = _expected()
    pages = [reports.query(PublicFilter(), page, 700) for page in range(1, 6)]
    assert {page.total for page in pages} == {len(expected)}
    assert [item.tracking_id for page in pages for item in page.items] == expected
    streamed = [item.tracking_id for item in reports.stream(PublicFilter(), chunk=301)]
    assert streamed == expected


def test_filters_on_postgresql_count_what_they_list(engine: Engine) -> None:
    reports = SqlPublicReports(engine, CITY)
    query = PublicFilter(kecamatan="banjarmasin utara", statuses=("Arsip",), q="GANG 1")
    page = reports.query(query, 1, 1000)
    assert page.total == len(page.items) > 0
    assert all(
        item.kecamatan == "Banjarmasin Utara" and item.status == "Arsip" for item in page.items
    )
    assert all("gang 1" in item.text.lower() for item in page.items)
