"""Integration events to and from Kafka record values (UTF-8 JSON) and headers.

Two ways in. At an edge, where outside text enters (the intake topic, the SKPD actions topics),
the value is parsed and its `event_type` read from the body, and every text keeps the text rule
(`shared.text`). On an internal topic every record comes from a lapor producer that names its
type in the `event_type` header: the bytes go straight to the class's compiled validator
(pydantic's `model_validate_json`, no Python dict in between) and texts, ruled where they
entered, are only checked to be strings. A record that fails the fast way is decoded the edge way,
so a bad record is refused for the same reason whichever way it came.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from shared import contracts as c
from shared import topics
from shared.contracts.tokens import TokenIssued, TokenRevoked
from shared.text import RULED

Headers = Sequence[tuple[str, bytes]]

TOPIC_EVENTS: dict[str, tuple[type[c.IntegrationEvent], ...]] = {
    topics.INTAKE: (c.IntakeMessage,),
    topics.REPORTS: (
        c.ReportReceived,
        c.ReportAccepted,
        c.ReportHeld,
        c.ReportArchived,
        c.ReportLinkedAsDuplicate,
        c.ReporterReplyReceived,
        c.ReporterRatingReceived,
        c.ReporterStatusRequested,
    ),
    topics.DISPOSITIONS: (
        c.ReportDisposed,
        c.ReportAwaitingTriage,
        c.ReportRedisposed,
        c.ReportEscalated,
    ),
    topics.SKPD_PATTERN: (c.ReportRouted,),
    topics.SKPD_ACTIONS_PATTERN: (
        c.Acknowledge,
        c.PostFollowUp,
        c.Resolve,
        c.RejectNotCompetent,
        c.Classify,
        c.Assign,
    ),
    topics.CASES: tuple(c.CaseEvent.__subclasses__()),
    r"^lapor\.outbound\.[a-z0-9-]+\.v1$": (c.OutboundMessage,),
    topics.DELIVERY: (c.DeliveryReported,),
    topics.TOKENS: (TokenIssued, TokenRevoked),
}


EDGE_TOPICS = (topics.INTAKE, topics.SKPD_ACTIONS_PATTERN)  # where outside text enters


def register_topic(topic: str, classes: tuple[type[c.IntegrationEvent], ...]) -> None:
    """Declare the events of a topic the design table does not list (tests, new topics)."""
    TOPIC_EVENTS[topic] = classes
    _events.cache_clear()
    _validators.cache_clear()


def is_edge(topic: str) -> bool:
    """Whether outside text enters on this topic (its texts get the text rule when decoded)."""
    return _matches(topic, EDGE_TOPICS)


def _matches(topic: str, names: Iterable[str]) -> bool:
    return any(n == topic or (n.startswith("^") and re.match(n, topic)) for n in names)


class MalformedMessage(Exception):
    """A record no consumer can read: it goes to the dead-letter topic with this reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class UnknownEventType:
    """A well-formed event of a type this consumer does not know (a newer producer): skipped."""

    event_type: str


def events_for(topic: str) -> dict[str, type[c.IntegrationEvent]]:
    """The event classes that may appear on a topic, by event type."""
    return dict(_events(topic))


@functools.cache
def _events(topic: str) -> dict[str, type[c.IntegrationEvent]]:
    for name, classes in TOPIC_EVENTS.items():
        if _matches(topic, (name,)):
            return {cls.event_type: cls for cls in classes}
    raise KeyError(f"no contract for topic {topic}")


def encode(event: c.IntegrationEvent) -> bytes:
    """The record value: compact UTF-8 JSON, `event_type` and `schema_version` first.

    The body is pydantic's own JSON of the model (compiled, no Python dict in between): the
    same object `wire()` gives, the type and version spliced in front.
    """
    cls = type(event)
    if cls.wire is not c.IntegrationEvent.wire:  # a contract that shapes its own wire form
        return json.dumps(event.wire(), ensure_ascii=False, separators=(",", ":")).encode()
    body = cls.__pydantic_serializer__.to_json(event)
    head = _head(cls)
    return head + b"}" if body == b"{}" else head + b"," + body[1:]


@functools.cache
def _head(cls: type[c.IntegrationEvent]) -> bytes:
    kind = json.dumps(cls.event_type, ensure_ascii=False)
    return f'{{"event_type":{kind},"schema_version":{int(cls.schema_version)}'.encode()


def headers(
    event: c.IntegrationEvent, notification_id: int | None = None
) -> list[tuple[str, bytes]]:
    """The record headers every producer sets, and the fields its contract names in
    `header_fields` (left out when None)."""
    result = [*_class_headers(type(event)), ("event_id", str(event.event_id).encode())]
    for name in event.header_fields:  # the contract's own, e.g. a report's `channel`
        value = getattr(event, name)
        if value is not None:
            result.append((name, str(getattr(value, "value", value)).encode()))
    if notification_id is not None:
        result.append(("notification_id", str(notification_id).encode()))
    return result


@functools.cache
def _class_headers(cls: type[c.IntegrationEvent]) -> tuple[tuple[str, bytes], ...]:
    """The headers a class's every record carries (its type and version are class constants)."""
    return (
        ("event_type", cls.event_type.encode()),
        ("schema_version", str(cls.schema_version).encode()),
    )


def decode(
    topic: str, value: bytes | None, max_bytes: int, event_type: bytes | None = None
) -> c.IntegrationEvent | UnknownEventType:
    """Parse one record value, or raise MalformedMessage naming what is wrong.

    `event_type` is the record's header: on an internal topic it selects the fast way in.
    """
    if event_type is not None and value is not None and len(value) <= max_bytes:
        fast = _internal(topic, value, event_type)
        if fast is not None:
            return fast
    if value is None:
        raise MalformedMessage("empty-value", "the record has no value")
    if len(value) > max_bytes:
        raise MalformedMessage("too-large", f"{len(value)} bytes exceed the limit of {max_bytes}")
    try:
        data = json.loads(value.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedMessage("not-json", str(error)) from error
    except RecursionError as error:
        raise MalformedMessage("too-deep", "JSON nested deeper than the parser allows") from error
    if not isinstance(data, dict):
        raise MalformedMessage(
            "not-an-object", f"expected a JSON object, got {type(data).__name__}"
        )
    event_type = data.get("event_type")
    if not isinstance(event_type, str):
        found = "missing" if event_type is None else f"a {type(event_type).__name__}"
        raise MalformedMessage("missing-field", f"event_type is {found}, not a string")
    cls = events_for(topic).get(event_type)
    if cls is None:
        return UnknownEventType(event_type)
    try:
        return cls.model_validate(data)
    except ValidationError as error:
        raise MalformedMessage("invalid-fields", _fields(error.errors())) from error
    except RecursionError as error:
        raise MalformedMessage("too-deep", "a field nested deeper than allowed") from error


def _internal(
    topic: str, value: bytes, event_type: bytes
) -> c.IntegrationEvent | UnknownEventType | None:
    """The fast way (None: not an internal topic, or the record must take the edge way)."""
    validators = _validators(topic)
    if validators is None:
        return None
    validate = validators.get(event_type)
    if validate is None:
        return None
    try:
        event: c.IntegrationEvent = validate(value, context=RULED)
    except (ValidationError, RecursionError):
        return None  # named the edge way
    return event


@functools.cache
def _validators(topic: str) -> dict[bytes, Any] | None:
    """An internal topic's compiled validators by `event_type` header (None: an edge topic, or
    a topic without a contract). The validator of the class itself, which is what
    `model_validate_json` calls."""
    if is_edge(topic):
        return None
    try:
        events = _events(topic)
    except KeyError:
        return None
    return {name.encode(): cls.__pydantic_validator__.validate_json for name, cls in events.items()}


def _fields(errors: Iterable[Any]) -> str:
    parts = []
    for error in errors:
        loc = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{loc or '(body)'}: {error.get('msg')}")
    return "; ".join(parts)
