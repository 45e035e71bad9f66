"""`lapor deadletters list|replay`: what the services could not act on, and sending it back."""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.cli.state import DevState
from shared import topics
from shared.messaging.deadletter import DLQ_PREFIX
from shared.messaging.kafka_auth import security_options
from shared.settings import CommonSettings

app = typer.Typer(help="Dead letters: records a service could not act on", no_args_is_help=True)


@dataclass(frozen=True)
class DeadLetter:
    """One record of `lapor.deadletter.v1`, its lapor.dlq.* headers read."""

    source_topic: str
    source_partition: int
    source_offset: int
    service: str
    reason: str
    error: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]  # the original ones, without lapor.dlq.*

    @property
    def source(self) -> str:
        """Where the record came from, as `replay --record` takes it."""
        return f"{self.source_topic}:{self.source_partition}:{self.source_offset}"

    def line(self) -> str:
        """One line for a terminal."""
        error = " ".join(self.error.split())[:160]
        return f"{self.source}\t{self.service}\t{self.reason}\t{error}"

    def as_json(self) -> dict[str, Any]:
        """One JSON object (bytes as text when they are UTF-8, else base64)."""
        return {
            "source_topic": self.source_topic,
            "source_partition": self.source_partition,
            "source_offset": self.source_offset,
            "service": self.service,
            "reason": self.reason,
            "error": self.error,
            "key": _text(self.key),
            "value": _text(self.value),
            "headers": {k: _text(v) for k, v in self.headers},
        }


def _text(data: bytes | None) -> str | dict[str, str] | None:
    if data is None:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode()}


def parse(record: Any) -> DeadLetter:
    """A dead-letter record as the command shows it (tolerant of missing headers)."""
    dlq: dict[str, str] = {}
    original: list[tuple[str, bytes]] = []
    for key, value in record.headers or ():
        if key.startswith(DLQ_PREFIX):
            dlq[key.removeprefix(DLQ_PREFIX)] = bytes(value).decode("utf-8", "replace")
        else:
            original.append((key, bytes(value)))
    return DeadLetter(
        source_topic=dlq.get("source.topic", "?"),
        source_partition=_int(dlq.get("source.partition")),
        source_offset=_int(dlq.get("source.offset")),
        service=dlq.get("service", "?"),
        reason=dlq.get("reason", "?"),
        error=dlq.get("error", ""),
        key=record.key,
        value=record.value,
        headers=original,
    )


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return -1


async def read_all(bootstrap: str) -> list[DeadLetter]:
    """Every record of the dead-letter topic, from the beginning to its end now."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **_security()
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topics.DEADLETTER)
        if not partitions:
            cluster = await consumer._client.fetch_all_metadata()
            partitions = cluster.partitions_for_topic(topics.DEADLETTER) or set()
        assigned = [TopicPartition(topics.DEADLETTER, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        found: list[Any] = []
        while await _behind(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(records)
        found.sort(key=lambda r: (r.timestamp, r.partition, r.offset))
        return [parse(r) for r in found]
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


@dataclass(frozen=True)
class Filter:
    """Which dead letters a command means."""

    service: str | None = None
    reason: str | None = None
    topic: str | None = None
    records: tuple[str, ...] = ()

    def __call__(self, dead: DeadLetter) -> bool:
        return (
            (self.service is None or dead.service == self.service)
            and (self.reason is None or dead.reason == self.reason)
            and (self.topic is None or dead.source_topic == self.topic)
            and (not self.records or dead.source in self.records)
        )


async def replay(bootstrap: str, chosen: list[DeadLetter]) -> int:
    """Send each chosen source record once back to its topic, as it first arrived."""
    unique = {dead.source: dead for dead in chosen}  # several services may hold one record
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **_security()
    )
    await producer.start()
    try:
        for dead in unique.values():
            await producer.send_and_wait(
                dead.source_topic, value=dead.value, key=dead.key, headers=dead.headers
            )
    finally:
        await producer.stop()
    return len(unique)


Bootstrap = Annotated[
    str | None, typer.Option(help="Kafka bootstrap servers (default: from dev.json)")
]
Service = Annotated[str | None, typer.Option(help="Only the dead letters of this service")]
Reason = Annotated[str | None, typer.Option(help="Only this reason (e.g. not-json)")]
Topic = Annotated[str | None, typer.Option(help="Only records from this source topic")]


def _security() -> dict[str, Any]:
    """On the secure profile operators log in as given by LAPOR_KAFKA_* (e.g. the admin)."""
    return security_options(CommonSettings())


def _bootstrap(given: str | None) -> str:
    return given or DevState.load().kafka_bootstrap_servers


@app.command("list")
def list_(
    service: Service = None,
    reason: Reason = None,
    topic: Topic = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    bootstrap: Bootstrap = None,
) -> None:
    """List dead letters, one line each: source topic:partition:offset, service, reason, error."""
    chosen = Filter(service, reason, topic)
    for dead in asyncio.run(read_all(_bootstrap(bootstrap))):
        if chosen(dead):
            typer.echo(json.dumps(dead.as_json(), ensure_ascii=False) if as_json else dead.line())


@app.command("replay")
def replay_(
    record: Annotated[
        list[str] | None,
        typer.Option(help="A source record TOPIC:PARTITION:OFFSET (repeatable)"),
    ] = None,
    service: Service = None,
    reason: Reason = None,
    topic: Topic = None,
    bootstrap: Bootstrap = None,
) -> None:
    """Send chosen records back to their source topic (original key, value and headers)."""
    chosen = Filter(service, reason, topic, tuple(record or ()))
    if chosen == Filter():
        raise typer.BadParameter("choose records: --record, --service, --reason or --topic")
    servers = _bootstrap(bootstrap)
    matching = [d for d in asyncio.run(read_all(servers)) if chosen(d) and d.source_offset >= 0]
    sent = asyncio.run(replay(servers, matching))
    typer.echo(f"replayed {sent} record(s)")
