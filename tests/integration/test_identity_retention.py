"""The topics that carry identity keep records only for a limited time (default 7 days)."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared import topics
from shared.messaging.admin import ensure_topics

pytestmark = pytest.mark.integration

DAY_MS = 86_400_000


async def retention_ms(bootstrap: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    for resource in response.resources:
        for entry in resource[4]:
            if entry[0] == "retention.ms":
                return int(entry[1])
    raise AssertionError(f"no retention.ms for {topic}")


async def test_identity_topics_get_the_configured_retention_even_when_they_exist(
    kafka: str,
) -> None:
    wanted = [topics.INTAKE, topics.DEADLETTER, topics.REPORTS]
    await ensure_topics(kafka, wanted, identity_retention_days=2)
    assert await retention_ms(kafka, topics.INTAKE) == 2 * DAY_MS
    assert await retention_ms(kafka, topics.DEADLETTER) == 2 * DAY_MS
    assert await retention_ms(kafka, topics.REPORTS) != 2 * DAY_MS
    await ensure_topics(kafka)
    for topic in (topics.INTAKE, topics.DEADLETTER):
        assert await retention_ms(kafka, topic) == 7 * DAY_MS
