"""The batch preload on real stores: a bounded number of statements per batch, the same results."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import Tracking

from shared import pgstore, sqltext
from shared.db import ensure_database
from shared.settings import CommonSettings
from shared.sqltext import run_text
from tests.preload_app import Bump, Tallies, UnpreloadedTallies, bumps, run_batches, state

pytestmark = pytest.mark.integration

KEYS = ["k0", "k1", "k2", "k3", "k4", "extra0", "extra20"]


@pytest.fixture
def pg_env(postgres_url: str) -> dict[str, str]:
    """A fresh PostgreSQL database of its own."""
    common = CommonSettings(database_url=postgres_url)
    service = f"t{uuid.uuid4().hex[:10]}"
    ensure_database(postgres_url, common.database_name(service))
    return common.eventsourcing_env(service)


@contextmanager
def counting_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement psycopg sends while the block runs (reads and writes)."""
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def counted(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        text = query.as_string(self) if hasattr(query, "as_string") else str(query)
        sent.append(" ".join(text.split()))
        return execute(self, query, *args, **kwargs)

    def counted_text(conn: Any, text: bytes) -> Any:  # a text sent without a cursor
        sent.append(" ".join(text.decode().split()))
        return run_text(conn, text)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    monkeypatch.setattr(sqltext, "run_text", counted_text)
    monkeypatch.setattr(pgstore, "run_text", counted_text)
    yield sent


def test_preload_on_postgres_matches_the_per_message_path(pg_env: dict[str, str]) -> None:
    batches = [bumps(20, start) for start in (0, 20)]
    fast = Tallies(env=pg_env)  # tables tallies_*
    slow = UnpreloadedTallies(env=pg_env)  # tables unpreloadedtallies_*
    run_batches(fast, batches)
    run_batches(slow, batches)
    assert state(fast, KEYS) == state(slow, KEYS)


@pytest.mark.parametrize("size", [5, 60])
def test_a_postgres_batch_costs_the_same_statements_whatever_its_size(
    pg_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    app = Tallies(env=pg_env)
    run_batches(app, [bumps(30)])  # snapshots and events after them
    messages = [Bump(f"k{i % 5}", 1, f"m{i}") for i in range(size)]
    with counting_statements(monkeypatch) as sent:
        app.process_batch(messages, Tracking("bumps:0", 2))
    reads = [s for s in sent if s.startswith(("SELECT", "WITH snap"))]
    # the preload; none aggregate by aggregate
    assert len(reads) == 1 and "originator_id IN (" in reads[0]
    assert len(sent) <= 9  # begin, tracking, lock, notify, insert, commit; snapshots in one
