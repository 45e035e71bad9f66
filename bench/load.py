"""Publishing the load: records to a topic at a fixed rate or as fast as possible, bounded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from aiokafka import AIOKafkaProducer

from bench.generator import Record

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class NotLoopback(ValueError):
    """The bench only ever talks to this machine."""


def require_loopback(bootstrap_servers: str) -> None:
    """Refuse any broker address that is not on this machine."""
    for server in bootstrap_servers.split(","):
        host = urlsplit(f"//{server.strip()}").hostname
        if host not in LOOPBACK:
            raise NotLoopback(f"{server!r} is not a loopback address")


def producer(bootstrap_servers: str, request_timeout_ms: int = 40_000) -> AIOKafkaProducer:
    """A producer configured as a channel adapter's would be.

    A record not acknowledged within `request_timeout_ms` fails (aiokafka's batch lifetime too):
    raise it to ride out a broker restart.
    """
    require_loopback(bootstrap_servers)
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_request_size=1_048_576,
        request_timeout_ms=request_timeout_ms,
    )


async def publish(
    bootstrap_servers: str,
    topic: str,
    records: Sequence[Record],
    *,
    rate: float | None = None,
    max_seconds: float = 600.0,
    sent: Callable[[int], None] = lambda _: None,
    gate: Callable[[int], Awaitable[None]] | None = None,
    request_timeout_ms: int = 40_000,
) -> int:
    """Publish `records` (at `rate` per second, or at once); stop at `max_seconds`; count sent.

    `gate(n)`, when given, is awaited before the n-th record; the pace resumes from there.
    """
    client = producer(bootstrap_servers, request_timeout_ms)
    await client.start()
    started = time.monotonic()
    pending: list[asyncio.Future[object]] = []
    try:
        for n, record in enumerate(records):
            if time.monotonic() - started > max_seconds:
                break
            if gate is not None:
                waited = time.monotonic()
                await gate(n)
                started += time.monotonic() - waited
            if rate:
                await _pace(started + n / rate)
            pending.append(
                await client.send(topic, record.value, key=record.key, headers=record.headers)
            )
            sent(n + 1)
        await asyncio.gather(*pending)
    finally:
        await client.stop()
    return len(pending)


async def _pace(due: float) -> None:
    delay = due - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
