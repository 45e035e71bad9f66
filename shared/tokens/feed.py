"""Follows the compacted topic `lapor.tokens.v1` into one process's registry (and its table).

Every process reads every partition itself (no consumer group: each replica and face needs the
whole set), from the positions its table holds or from the beginning. A change reaches the
registry as soon as the broker has it: a fetch waits up to `FETCH_WAIT_MS` only while there is
nothing new (the broker answers a waiting fetch when a record arrives), so a long wait costs no
delay and spares the CPU an idle poll ten times a second in every process (measured from outside
in tests/e2e/test_tokens_as_events.py).
"""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from sqlalchemy.exc import SQLAlchemyError

from shared import topics
from shared.contracts.tokens import TokenEvent
from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.kafka_auth import client_options
from shared.settings import CommonSettings
from shared.tokens.registry import TokenRegistry
from shared.tokens.table import Placed, TokenTable

log = get_logger(__name__)

FETCH_WAIT_MS = 1000
FETCHER_TIMEOUT_MS = 1000  # the fetch routine's look-around when nothing wakes it (default 200)
POLL_MS = 1000
RETRY_SECONDS = 1.0
MAX_BYTES = 16_384


class TopicMissing(KafkaError):
    """`lapor.tokens.v1` does not exist (yet)."""


def decode(record: ConsumerRecord[bytes, bytes]) -> TokenEvent | None:
    """One record's event; None for an event type this process does not know (a newer tool)."""
    kind = dict(record.headers or ()).get("event_type")
    event = codec.decode(topics.TOKENS, record.value, MAX_BYTES, kind)
    if isinstance(event, codec.UnknownEventType):
        return None
    if not isinstance(event, TokenEvent):
        raise codec.MalformedMessage("wrong-type", type(event).__name__)
    return event


class TokenFeed:
    """Keeps a registry current with the topic; `caught_up` once it has read what was there."""

    def __init__(
        self,
        common: CommonSettings,
        registry: TokenRegistry,
        *,
        name: str,
        table_url: str | None = None,
    ) -> None:
        self._common = common
        self._registry = registry
        self._name = name
        self._table_url = table_url
        self.caught_up = asyncio.Event()
        self.skipped = 0
        self.failed: BaseException | None = None  # why the feed stopped, if it did
        self._unsaved: list[Placed] = []

    async def run(self, stopping: asyncio.Event) -> None:
        """Follow the topic until `stopping` is set, reconnecting while the broker is away."""
        table = await self._open_table()
        try:
            while not stopping.is_set():
                try:
                    await self._follow(table, stopping)
                except KafkaError as error:
                    log.warning("token-feed-retry", feed=self._name, error=repr(error))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stopping.wait(), RETRY_SECONDS)
        except Exception as error:
            self.failed = error  # readiness says so (a face has no task list to watch)
            raise
        finally:
            if table is not None:
                table.close()

    async def _open_table(self) -> TokenTable | None:
        """The service's own table, loaded into the registry; None (read the topic from its
        start) if there is none or its database does not answer."""
        if not self._table_url:
            return None
        try:
            table = await asyncio.to_thread(TokenTable.at, self._table_url)
            grants, marks = await asyncio.to_thread(table.load)
        except SQLAlchemyError as error:
            log.warning("token-table-unavailable", feed=self._name, error=repr(error)[:300])
            return None
        self._registry.load(grants, marks)
        return table

    async def _save(self, table: TokenTable, placed: list[Placed]) -> None:
        """Keep the table up with the registry. What a failed save held is tried again with
        the next one (the table's positions never pass a row it lacks)."""
        self._unsaved += placed
        try:
            await asyncio.to_thread(table.save, self._unsaved)
        except SQLAlchemyError as error:  # e.g. a replica inserting the same row at once
            log.warning("token-table-save-deferred", feed=self._name, error=repr(error)[:300])
            return
        self._unsaved = []

    async def _follow(self, table: TokenTable | None, stopping: asyncio.Event) -> None:
        consumer = AIOKafkaConsumer(
            **client_options(self._common),
            client_id=f"lapor-{self._name}-tokens",
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=FETCH_WAIT_MS,
            consumer_timeout_ms=FETCHER_TIMEOUT_MS,
        )
        await consumer.start()
        try:
            parts = await _partitions(consumer)
            log.info("token-feed-following", feed=self._name, partitions=len(parts))
            consumer.assign(parts)
            await self._seek(consumer, parts)
            ends = await consumer.end_offsets(parts)
            while not stopping.is_set():
                await self._check(consumer, ends)
                batches = await consumer.getmany(timeout_ms=POLL_MS)
                placed = [p for records in batches.values() for p in self._apply(records)]
                if table is not None and (placed or self._unsaved):
                    await self._save(table, placed)
        finally:
            await consumer.stop()

    async def _seek(self, consumer: AIOKafkaConsumer, parts: list[TopicPartition]) -> None:
        stored = self._registry.positions()
        for tp in parts:
            if tp.partition in stored:
                consumer.seek(tp, stored[tp.partition])
            else:
                await consumer.seek_to_beginning(tp)

    async def _check(self, consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> None:
        if not self.caught_up.is_set():
            reached = [await consumer.position(tp) >= end for tp, end in ends.items()]
            if all(reached):
                self.caught_up.set()
                log.info(
                    "token-feed-caught-up", feed=self._name, tokens=len(self._registry.grants())
                )

    def _apply(self, records: list[ConsumerRecord[bytes, bytes]]) -> list[Placed]:
        placed: list[Placed] = []
        for record in records:
            try:
                event = decode(record)
            except codec.MalformedMessage as error:
                # every process reads this topic; the operator's tool is its only writer
                self.skipped += 1
                log.warning(
                    "token-record-skipped", partition=record.partition, offset=record.offset,
                    error=str(error)[:300],
                )  # fmt: skip
                continue
            if event is None:
                continue
            grant = self._registry.apply(event, record.partition, record.offset)
            placed.append((record.partition, record.offset, grant))
        return placed


async def _partitions(consumer: AIOKafkaConsumer) -> list[TopicPartition]:
    # a consumer knows the partitions of subscribed topics only; this one assigns them itself
    cluster = await consumer._client.fetch_all_metadata()
    found = cluster.partitions_for_topic(topics.TOKENS)
    if not found:
        raise TopicMissing(f"{topics.TOKENS} does not exist")
    return [TopicPartition(topics.TOKENS, p) for p in sorted(found)]
