"""Topic creation: every topic of the design table, six partitions, created by the project."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from shared import topics
from shared.directory import body_codes
from shared.settings import CommonSettings

IDENTITY_TOPICS = (topics.INTAKE, topics.DEADLETTER)
"""Topics that carry reporters' identity: kept only for a limited time (UU 27/2022)."""
COMPACTED_TOPICS = (topics.TOKENS,)
"""Topics whose newest record per key is the state (every process reads them from the start)."""
COMPACTED = {"cleanup.policy": "compact"}


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
    identity_retention_days: float | None = None,
) -> list[str]:
    """Create the missing topics (idempotent); returns the ones created.

    `security`: aiokafka's security keyword arguments (`kafka_auth.security_options`).
    The identity topics get `retention.ms` (default `LAPOR_IDENTITY_TOPIC_RETENTION_DAYS`, 7),
    also when they exist already; `lapor.tokens.v1` is created with `cleanup.policy=compact`.
    """
    days = identity_retention_days or CommonSettings().identity_topic_retention_days
    configs = {"retention.ms": str(int(days * 86_400_000))}
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
                    [
                        NewTopic(name, partitions, 1, topic_configs=_configs(name, configs))
                        for name in missing
                    ],
                    timeout_ms=30_000,
                )
        await _wait_visible(admin, set(wanted), timeout)
        await _limit_retention(admin, [n for n in wanted if n in IDENTITY_TOPICS], configs)
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


def _configs(name: str, identity_configs: dict[str, str]) -> dict[str, str]:
    if name in COMPACTED_TOPICS:
        return COMPACTED
    return identity_configs if name in IDENTITY_TOPICS else {}


async def _limit_retention(
    admin: AIOKafkaAdminClient, names: list[str], configs: dict[str, str]
) -> None:
    """Set the identity topics' retention (topics created before the limit existed too)."""
    if names:
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, configs) for name in names]
        )
