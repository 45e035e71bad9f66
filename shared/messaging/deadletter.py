"""The dead-letter publisher: the original record unchanged, the reason in headers."""

from __future__ import annotations

from typing import Any, Protocol

from shared import topics
from shared.logging import get_logger

log = get_logger(__name__)


class RecordProducer(Protocol):
    """The part of aiokafka's producer the plumbing needs."""

    async def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: Any = None,
    ) -> Any: ...


class DeadLetterPublisher:
    """Sends a record a consumer cannot handle to `lapor.deadletter.v1` (Kafka Connect headers)."""

    def __init__(self, producer: RecordProducer, service: str) -> None:
        self._producer = producer
        self._service = service

    async def publish(self, record: Any, reason: str, error: str) -> None:
        """Publish and wait for the broker's acknowledgement."""
        dlq_headers = [
            ("lapor.dlq.reason", reason.encode()),
            ("lapor.dlq.source.topic", str(record.topic).encode()),
            ("lapor.dlq.source.partition", str(record.partition).encode()),
            ("lapor.dlq.source.offset", str(record.offset).encode()),
            ("lapor.dlq.service", self._service.encode()),
            ("lapor.dlq.error", error[:2000].encode()),
        ]
        headers = [*list(record.headers or ()), *dlq_headers]
        sent = await self._producer.send(
            topics.DEADLETTER, value=record.value, key=record.key, headers=headers
        )
        await sent
        log.warning(
            "dead-lettered",
            reason=reason,
            error=error[:300],
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )
