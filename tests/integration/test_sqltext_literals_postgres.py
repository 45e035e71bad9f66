"""On a real PostgreSQL connection, every value `shared.sqltext` writes without psycopg's
adapters is the very literal psycopg writes, and the server reads it back as the value given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.adapt import Transformer

from shared.sqltext import Literals, select_rows
from tests.literal_values import VALUES

pytestmark = pytest.mark.integration

CHECKS = settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def conn(postgres_url: str) -> Iterator[psycopg.Connection[object]]:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        yield connection


def test_the_connection_writes_bytes_and_moments_without_psycopgs_adapters(
    conn: psycopg.Connection[object],
) -> None:
    assert {bytes, float, datetime, date, str} <= set(Literals(conn)._fast)


@CHECKS
@given(VALUES)
def test_a_value_is_written_as_psycopgs_own_literal(
    conn: psycopg.Connection[object], value: object
) -> None:
    assert Literals(conn).value(value) == Transformer.from_context(conn).as_literal(value)


@CHECKS
@given(st.one_of(st.binary(max_size=300), st.floats(allow_nan=False, allow_infinity=False)))
def test_the_server_reads_a_written_value_back_as_given(
    conn: psycopg.Connection[object], value: object
) -> None:
    [(read,)] = select_rows(conn, b"SELECT " + Literals(conn).value(value))
    assert (float(read) if isinstance(value, float) else read) == value  # uncast: numeric
