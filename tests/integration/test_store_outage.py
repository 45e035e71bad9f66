"""An event store that stops answering: the service waits, dead-letters nothing, says why."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from eventsourcing.persistence import OperationalError

from shared import topics
from shared.db import ensure_database
from shared.messaging import codec
from shared.runtime import build_app
from shared.settings import CommonSettings
from tests.integration.conftest import Lane
from tests.integration.test_plumbing import message, spec_for, wait_for
from tests.kafka_helpers import header, produce, read_topic
from tests.plumbing_app import NoteTaker

pytestmark = pytest.mark.integration


class Gate:
    """Lets a database's clients in, or shuts them out and drops their connections."""

    def __init__(self, server_url: str, database: str) -> None:
        url = urlsplit(server_url)
        self._conninfo = psycopg.conninfo.make_conninfo(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password or "",
            dbname="postgres",
        )
        self._database = database

    def close(self) -> None:
        with psycopg.connect(self._conninfo, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{self._database}" ALLOW_CONNECTIONS false')
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (self._database,),
            )

    def open(self) -> None:
        with psycopg.connect(self._conninfo, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{self._database}" ALLOW_CONNECTIONS true')


@pytest.fixture
def store(postgres_url: str) -> Iterator[tuple[dict[str, str], Gate]]:
    common = CommonSettings(database_url=postgres_url)
    service = f"t{uuid.uuid4().hex[:10]}"
    ensure_database(postgres_url, common.database_name(service))
    env = {**common.eventsourcing_env(service), "POSTGRES_CONNECT_TIMEOUT": "1"}
    gate = Gate(postgres_url, common.database_name(service))
    yield env, gate
    gate.open()


async def test_an_unreachable_store_holds_the_partition_dead_letters_nothing_and_says_so(
    kafka: str, lane: Lane, store: tuple[dict[str, str], Gate]
) -> None:
    env, gate = store
    app = NoteTaker(env=env)  # its tables exist; then the database shuts its doors
    spec = spec_for(kafka, lane, app, max_bytes=65536)
    spec.common = spec.common.model_copy(update={"unavailable_backoff_max_seconds": 1.0})
    service = build_app(spec)
    key = b"sms:outage"
    records = [(key, b"bukan json"), (key, b""), (key, codec.encode(message("after-outage")))]
    await produce(kafka, lane.inbound, records)
    gate.close()
    ready = httpx.AsyncClient(transport=httpx.ASGITransport(app=service), base_url="http://t")
    async with service.router.lifespan_context(service), ready:
        answer = await wait_answer(ready, lambda a: a.status_code == 503 and "reasons" in a.json())
        assert "event store unreachable" in answer.json()["reasons"][0]
        gate.open()
        await wait_for(lambda: notes_once_reachable(app) == 1, timeout=90)
        await wait_answer(ready, lambda a: a.status_code == 200)
        dead = await read_topic(
            kafka,
            topics.DEADLETTER,
            until=lambda found: len(found) >= 2,  # copies come in the same reads
            where=lambda r: header(r, "lapor.dlq.source.topic") == lane.inbound,
        )
    assert sorted(header(r, "lapor.dlq.reason") or "" for r in dead) == ["not-json", "not-json"]


def notes_once_reachable(app: NoteTaker) -> int | None:
    """The notes stored, or None while the shared pool is still reconnecting after the outage."""
    try:
        return app.note_count()
    except OperationalError:  # the pool's reconnect backoff can outlast the gate's reopening
        return None


async def wait_answer(
    client: httpx.AsyncClient, good: Callable[[httpx.Response], bool], timeout: float = 60.0
) -> httpx.Response:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        answer = await client.get("/health/ready")
        if good(answer):
            return answer
        assert asyncio.get_running_loop().time() < deadline, answer.text
        await asyncio.sleep(0.2)
