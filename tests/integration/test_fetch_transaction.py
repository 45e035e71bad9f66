"""One fetch, one transaction, on the real broker and PostgreSQL: every partition's position is
written by the transaction that wrote the fetch's events (one `xmin`); a poison record sends
each partition its own way, and only that record is dead-lettered."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from psycopg.sql import SQL, Identifier

from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer, RetryPolicy
from tests.integration.conftest import Lane
from tests.integration.test_plumbing import fetch, message
from tests.kafka_helpers import produce
from tests.plumbing_app import NoteTaker
from tests.unit.shared.test_shared_consumer import Sleeps, dead_letters

pytestmark = pytest.mark.integration
COUNT = 24  # keys enough to reach several of the six partitions


def writers(app: NoteTaker, lane: Lane) -> dict[str, str]:
    """Each of the lane's tracking rows, and the transaction that last wrote it (`xmin`)."""
    recorder: Any = app.recorder
    query = SQL("SELECT application_name, xmin::text AS x FROM {0}.{1} WHERE application_name "
                "LIKE %s").format(Identifier(recorder.datastore.schema),
                                  Identifier(recorder.tracking_table_name))  # fmt: skip
    with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(query, (f"{lane.inbound}:%",))
        return {row["application_name"]: row["x"] for row in cursor.fetchall()}


def event_writers(app: NoteTaker) -> set[str]:
    """The transactions that wrote the stored events."""
    recorder: Any = app.recorder
    query = SQL("SELECT DISTINCT xmin::text AS x FROM {0}.{1}").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)
    )
    with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(query)
        return {row["x"] for row in cursor.fetchall()}


async def one_fetch(kafka: str, lane: Lane, texts: list[str]) -> list[Any]:
    """The records as the broker holds them, across the lane's partitions."""
    sent = [message(f"fetch-{n}", text) for n, text in enumerate(texts)]
    await produce(kafka, lane.inbound, [(m.key.encode(), codec.encode(m)) for m in sent])
    records = await fetch(kafka, lane.inbound, len(sent))
    assert len({r.partition for r in records}) >= 3, "too few partitions: the test proves nothing"
    return records


def consumer(app: NoteTaker) -> IdempotentConsumer:
    retry = RetryPolicy(attempts=2)
    return IdempotentConsumer(app, service="test", max_bytes=65536, retry=retry, sleep=Sleeps())


def ends(records: list[Any], lane: Lane) -> dict[str, int]:
    """Each partition's position once its records are done."""
    found: dict[str, int] = {}
    for r in records:
        name = f"{lane.inbound}:{r.partition}"
        found[name] = max(found.get(name, 0), r.offset + 1)
    return found


async def test_a_fetch_of_several_partitions_is_written_in_one_transaction(
    kafka: str, lane: Lane, pg_env: dict[str, str]
) -> None:
    app = NoteTaker(env=pg_env)
    records = await one_fetch(kafka, lane, [f"laporan ke-{n}" for n in range(COUNT)])
    await consumer(app).handle(records)
    written = writers(app, lane)
    assert {name: app.position(name) for name in written} == ends(records, lane)
    assert len(set(written.values())) == 1  # every position by one transaction
    assert event_writers(app) == set(written.values())  # the one that wrote the events
    assert app.note_count() == COUNT and dead_letters(app) == []


async def test_a_poison_record_sends_each_partition_its_own_way_and_is_dead_lettered_alone(
    kafka: str, lane: Lane, pg_env: dict[str, str]
) -> None:
    app = NoteTaker(env=pg_env)
    texts = [f"laporan ke-{n}" for n in range(COUNT)]
    texts[COUNT // 2] = "bug di sini"
    records = await one_fetch(kafka, lane, texts)
    await consumer(app).handle(records)
    written = writers(app, lane)
    assert {name: app.position(name) for name in written} == ends(records, lane)
    assert len(set(written.values())) == len(written)  # each partition by a transaction of its own
    [dead] = dead_letters(app)
    poison = next(r for r in records if b"bug di sini" in r.value)
    assert dict(dead.headers)["lapor.dlq.source.offset"] == str(poison.offset).encode()
    assert app.note_count() == COUNT - 1  # every other record once


def test_a_write_whose_other_position_does_not_advance_writes_nothing(
    pg_env: dict[str, str],
) -> None:
    app = NoteTaker(env=pg_env)
    app.recorder.insert_events([], tracking=Tracking("b", 5))
    with pytest.raises(IntegrityError, match="b 5"):
        app.recorder.insert_events([], tracking=Tracking("a", 1), more_tracking=[Tracking("b", 5)])
    assert app.position("a") is None and app.position("b") == 5
    app.recorder.insert_events([], tracking=Tracking("a", 1), more_tracking=[Tracking("b", 6)])
    assert app.position("a") == 1 and app.position("b") == 6
