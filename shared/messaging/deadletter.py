"""Dead letters: a record a service cannot act on, stored with its position, sent by the relay.

A dead letter is a `DeadLetter` aggregate in the service's own event store, recorded in the same
transaction as the tracking position that passes its record (keep this module path: stored events
name it). Its id is derived from (service, source topic, partition, offset), so a record is
dead-lettered once however often its batch is retried; the outbox relay sends it to
`lapor.deadletter.v1`, and a copy re-sent after a crash is byte-for-byte the same record.
"""

from __future__ import annotations

import base64
import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared import topics

DEAD_LETTER_NAMESPACE = UUID("0d1e4c2a-7b3f-4f6e-9a51-3c8d2e6f1b07")
DLQ_PREFIX = "lapor.dlq."
ERROR_CHARS = 2000
KEPT_VALUE_BYTES = 512 * 1024  # a copy must fit the broker's record limit with its headers


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


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(bytes(data)).decode()


def _unb64(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


_new = object.__new__
_set = object.__setattr__


def _fields(*values: Any) -> dict[str, Any]:
    names = ("topic", "partition", "offset", "key", "value", "_raw")
    return {**dict(zip(names, values, strict=True)), "_headers": None}


class SourceRecord:
    """A Kafka record as it arrived: where from, and its key, value and headers unchanged.

    Immutable. Made for every record a consumer reads, and needed only for the few that are
    dead-lettered: `of` keeps the record's headers as they came and converts them on first use.
    """

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    _headers: tuple[tuple[str, bytes], ...] | None
    _raw: Iterable[tuple[str, bytes | None]]

    def __init__(
        self,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        headers: Iterable[tuple[str, bytes]] = (),
    ) -> None:
        _set(self, "__dict__", _fields(topic, partition, offset, key, value, headers))

    @classmethod
    def of(cls, record: Any) -> SourceRecord:
        """From an aiokafka ConsumerRecord (or anything shaped like one); made for every record
        read, so in one step, its headers converted only if they are ever asked for."""
        source = _new(cls)
        _set(
            source,
            "__dict__",
            {
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "key": record.key,
                "value": record.value,
                "_headers": None,
                "_raw": record.headers or (),
            },
        )
        return source

    @property
    def headers(self) -> tuple[tuple[str, bytes], ...]:
        """The record's headers: names as text, values as bytes (a missing value as b"")."""
        headers = self._headers
        if headers is None:
            headers = tuple((str(k), bytes(v or b"")) for k, v in self._raw)
            object.__setattr__(self, "_headers", headers)
        return headers

    def with_value(self, value: bytes | None) -> SourceRecord:
        """The same record with another value (a cut one)."""
        return SourceRecord(self.topic, self.partition, self.offset, self.key, value, self.headers)

    def _fields(self) -> tuple[Any, ...]:
        return (self.topic, self.partition, self.offset, self.key, self.value, self.headers)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceRecord):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        names = ("topic", "partition", "offset", "key", "value", "headers")
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True))
        return f"SourceRecord({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (bytes as base64) to keep in an event."""
        return {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key": _b64(self.key),
            "value": _b64(self.value),
            "headers": [[k, _b64(v)] for k, v in self.headers],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceRecord:
        """Back from `to_json`."""
        headers = tuple((str(k), _unb64(v) or b"") for k, v in data.get("headers", ()))
        return cls(
            str(data["topic"]),
            int(data["partition"]),
            int(data["offset"]),
            _unb64(data.get("key")),
            _unb64(data.get("value")),
            headers,
        )


def dead_letter_id(service: str, source: SourceRecord) -> UUID:
    """One dead letter per (service, source topic, partition, offset)."""
    name = f"{service}:{source.topic}:{source.partition}:{source.offset}"
    return uuid.uuid5(DEAD_LETTER_NAMESPACE, name)


def safe_text(text: str, limit: int = ERROR_CHARS) -> str:
    """Error text any store and any header accepts (no NUL, no lone surrogate), shortened."""
    cleaned = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode()
    return cleaned[:limit]


class DeadLetter(Aggregate):
    """One record one service could not act on, and why."""

    class Recorded(Aggregate.Created):
        """A record was dead-lettered (the relay sends it)."""

        service: str
        source: dict[str, Any]
        reason: str
        error: str

    @event(Recorded)
    def __init__(
        self, id: UUID, service: str, source: dict[str, Any], reason: str, error: str
    ) -> None:  # id: the aggregate's, from dead_letter_id
        self.service = service
        self.source = source
        self.reason = reason
        self.error = error

    @classmethod
    def record(cls, service: str, source: SourceRecord, reason: str, error: str) -> DeadLetter:
        """A new dead letter for one source record (a huge value is cut, and the error says so)."""
        if source.value is not None and len(source.value) > KEPT_VALUE_BYTES:
            error = f"{error[:1000]} (value cut to its first {KEPT_VALUE_BYTES} bytes of "
            error += f"{len(source.value)})"
            source = source.with_value(source.value[:KEPT_VALUE_BYTES])
        return cls(
            id=dead_letter_id(service, source),
            service=service,
            source=source.to_json(),
            reason=safe_text(reason, 200),
            error=safe_text(error),
        )


@dataclass(frozen=True)
class DeadLetterRecord:
    """What goes to `lapor.deadletter.v1`: the original key, value, headers plus lapor.dlq.*."""

    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    topic: str = topics.DEADLETTER


def outgoing_dead_letter(domain_event: Any) -> DeadLetterRecord | None:
    """The Kafka record of a stored `DeadLetter.Recorded` event (None for any other event)."""
    if not isinstance(domain_event, DeadLetter.Recorded):
        return None
    source = SourceRecord.from_json(domain_event.source)
    return dead_letter_record(domain_event.service, source, domain_event.reason, domain_event.error)


def dead_letter_record(
    service: str, source: SourceRecord, reason: str, error: str
) -> DeadLetterRecord:
    """The original key, value and headers, plus the lapor.dlq.* headers (Kafka Connect's)."""
    dlq_headers = [
        ("lapor.dlq.reason", reason.encode()),
        ("lapor.dlq.source.topic", source.topic.encode()),
        ("lapor.dlq.source.partition", str(source.partition).encode()),
        ("lapor.dlq.source.offset", str(source.offset).encode()),
        ("lapor.dlq.service", service.encode()),
        ("lapor.dlq.error", error.encode()),
    ]
    return DeadLetterRecord(source.key, source.value, [*source.headers, *dlq_headers])


async def send_dead_letter(
    producer: RecordProducer, service: str, record: Any, reason: str, error: str
) -> None:
    """For an edge process without an event store: send now and wait for the broker.

    The caller commits the record's offset only after this returns, so a crash re-sends (at least
    once) rather than loses; the copy carries the same `lapor.dlq.source.*` headers.
    """
    letter = dead_letter_record(
        service, SourceRecord.of(record), safe_text(reason, 200), safe_text(error)
    )
    sent = await producer.send(
        letter.topic, value=letter.value, key=letter.key, headers=letter.headers
    )
    await sent
