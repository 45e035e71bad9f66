"""No idle waiting on PostgreSQL: another process's write wakes a relay through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared.messaging.relay import OutboxRelay
from shared.wakeup import can_listen, listen_for_writes
from tests.plumbing_app import Note, NoteTaker, translator
from tests.unit.shared.test_shared_relay import Producer

pytestmark = pytest.mark.integration

IDLE = 120.0  # far longer than the test waits: only a notification can wake the relay in time


async def until(condition: Any, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not woken in time"
        await asyncio.sleep(0.05)


async def test_a_write_by_another_replica_wakes_the_idle_relay(pg_env: dict[str, str]) -> None:
    leader, other = NoteTaker(env=pg_env), NoteTaker(env=pg_env)  # one store, two processes
    assert can_listen(leader)
    producer, stopping = Producer(), asyncio.Event()
    relay = OutboxRelay(leader, producer, translator("out"), idle_seconds=IDLE)
    OutboxRelay(other, Producer(), translator("out"))  # the other replica writes rows too
    tasks = [
        asyncio.create_task(listen_for_writes(leader, stopping)),
        asyncio.create_task(relay.run(stopping)),
    ]
    try:
        for n in range(3):  # after the first, the relay has found nothing more and idles
            other.save(Note(channel="web", message_id=f"w{n}", text=f"laporan {n}"))
            await until(lambda n=n: len(producer.sent) == n + 1)
    finally:
        stopping.set()
        await asyncio.gather(*tasks)
    assert [dict(r["headers"])["notification_id"] for r in producer.sent] == [b"1", b"2", b"3"]


def test_a_store_that_sends_no_notifications_gets_no_listener(tmp_path: Any) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "e.db")}
    assert not can_listen(NoteTaker(env=env))  # in process only; no task that ends at once
