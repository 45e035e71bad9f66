"""Topic creation: every topic of the design table, six partitions, created by the project."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from shared import topics
from shared.directory import body_codes


def project_topics() -> list[str]:
    """Every topic the project uses, from the design table and the body directory."""
    return topics.all_topics(body_codes())


async def ensure_topics(
    bootstrap_servers: str,
    names: Iterable[str] | None = None,
    *,
    partitions: int = topics.PARTITIONS,
    timeout: float = 60.0,
    security: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create the missing topics (idempotent); returns the ones created.

    `security`: aiokafka's security keyword arguments (`kafka_auth.security_options`).
    """
    wanted = list(names) if names is not None else project_topics()
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=30_000, **(security or {})
    )
    await _start(admin, timeout)
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(name, partitions, 1) for name in missing], timeout_ms=30_000
                )
        await _wait_visible(admin, set(wanted), timeout)
        return missing
    finally:
        await admin.close()


async def _start(admin: AIOKafkaAdminClient, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            await admin.start()
            return
        except KafkaConnectionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def _wait_visible(admin: AIOKafkaAdminClient, wanted: set[str], timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not wanted <= set(await admin.list_topics()):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("topics did not appear: " + ", ".join(sorted(wanted)))
        await asyncio.sleep(0.2)
