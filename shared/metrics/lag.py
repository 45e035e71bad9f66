"""Consumer lag per assigned partition: the broker's end offset minus the group's committed one.

End offsets come from the consumers' own fetch responses (aiokafka's `highwater`, no request);
committed offsets from one OffsetFetch per consumer group per scrape (the admin client), so a
scrape costs a few round trips whatever the traffic, and nothing is added per message.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.logging import get_logger

log = get_logger(__name__)

Lag = tuple[str, str, int, int]  # group, topic, partition, records behind


@dataclass(frozen=True)
class Subscribed:
    """A plain aiokafka consumer and its group, read like a FastStream subscriber."""

    consumer: Any
    group_id: str


class OffsetsReader(Protocol):
    """The part of aiokafka's admin client the lag needs."""

    async def list_consumer_group_offsets(
        self, group_id: str, group_coordinator_id: int | None = None, partitions: Any = None
    ) -> dict[TopicPartition, Any]: ...


def _ends(consumer: Any) -> dict[TopicPartition, int]:
    """End offsets of the assigned partitions this consumer has fetched from at least once."""
    ends = {tp: consumer.highwater(tp) for tp in consumer.assignment()}
    return {tp: end for tp, end in ends.items() if end is not None}


async def consumer_lags(subscribers: Iterable[Any], admin: OffsetsReader) -> list[Lag]:
    """(group, topic, partition, lag) of every partition assigned to these subscribers."""
    lags: list[Lag] = []
    for subscriber in subscribers:
        consumer, group = getattr(subscriber, "consumer", None), subscriber.group_id
        if consumer is None or not group or not (ends := _ends(consumer)):
            continue
        committed = await admin.list_consumer_group_offsets(group, partitions=sorted(ends))
        for tp, end in sorted(ends.items()):
            found = committed.get(tp)
            done = found.offset if found is not None and found.offset >= 0 else 0
            lags.append((group, tp.topic, tp.partition, max(0, end - done)))
    return lags


class LagReader:
    """Reads the lag for `/metrics` through an admin client opened at the first scrape."""

    def __init__(self, client_options: dict[str, Any], timeout: float = 5.0) -> None:
        self._options = client_options
        self._timeout = timeout
        self._admin: AIOKafkaAdminClient | None = None

    async def read(self, subscribers: Iterable[Any]) -> list[Lag] | None:
        """The lags, or None when the broker does not answer in time (logged)."""
        try:
            return await asyncio.wait_for(self._read(list(subscribers)), self._timeout)
        except Exception as error:  # the broker is away: the scrape still answers
            log.warning("consumer-lag-unavailable", error=repr(error))
            await self.close()  # a fresh client next time
            return None

    async def _read(self, subscribers: list[Any]) -> list[Lag]:
        if not any(getattr(s, "consumer", None) for s in subscribers):
            return []
        if self._admin is None:
            self._admin = AIOKafkaAdminClient(**self._options, request_timeout_ms=5_000)
            await self._admin.start()
        return await consumer_lags(subscribers, self._admin)

    async def close(self) -> None:
        """Close the admin client, if one was opened."""
        admin, self._admin = self._admin, None
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()
