"""Stored events' JSON, written with orjson: the very bytes eventsourcing's JSONTranscoder writes.

eventsourcing's `JSONTranscoder` encodes an event's state with the standard library's encoder,
which calls back into Python (`default`, then the transcoding) for every UUID, datetime and
value object. Here the state is first made plain in one pass (a custom type becomes the same
`{"_type_": name, "_data_": …}` object the callback returns, a float its `repr` as the standard
encoder writes it) and orjson writes the rest, with the same separators (`,` `:`), the same
escapes (`ensure_ascii=False`), keys in the same order.

Only the values whose output is known to be the same take this way: exactly `str`, `int`,
`bool`, `None`, `float`, `dict`, `list`, `tuple`, and the registered types that the standard
encoder would hand to `default` (not a subclass of one of those). Anything else (a str
subclass, a dict with non-text keys, an integer past 64 bits, a circular structure, text with
a lone surrogate) is encoded by eventsourcing's own encoder, so it gives the bytes, or the
error, it always gave. Decoding is eventsourcing's: stores written either way read the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timezone, tzinfo
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

_PLAIN = frozenset({str, int, bool, type(None)})
_NATIVE = (str, int, float, list, tuple, dict)  # the standard encoder never calls `default`
_SPECIAL_FLOATS = {math.inf: b"Infinity", -math.inf: b"-Infinity"}


def _float(value: float) -> orjson.Fragment:
    """A float as `json` writes it (`repr`; `NaN`, `Infinity`): orjson's exponents differ."""
    if value != value:
        return orjson.Fragment(b"NaN")
    special = _SPECIAL_FLOATS.get(value)
    return orjson.Fragment(special if special is not None else float.__repr__(value).encode())


class StoredJSONTranscoder(JSONTranscoder):
    """eventsourcing's JSONTranscoder with a faster `encode` that writes the same bytes."""

    def __init__(self) -> None:
        super().__init__()
        self._convert: dict[type, Callable[[Any], Any]] = {
            dict: self._dict,
            list: self._list,
            tuple: self._list,
            float: _float,
        }

    def register(self, transcoding: Transcoding) -> None:
        """Register a transcoding (as eventsourcing's) and the way this encoder writes it."""
        super().register(transcoding)
        if issubclass(transcoding.type, _NATIVE) or transcoding.type is type(None):
            return  # `json` never asks `default` for it
        self._convert[transcoding.type] = self._custom(transcoding)

    def encode(self, obj: Any) -> bytes:
        """The bytes `JSONTranscoder.encode` gives for `obj`."""
        try:
            return orjson.dumps(self._plain(obj))
        except (KeyError, orjson.JSONEncodeError, RecursionError):
            return super().encode(obj)  # its bytes, or its error

    def _plain(self, value: Any) -> Any:
        kind = type(value)
        return value if kind in _PLAIN else self._convert[kind](value)

    def _dict(self, value: dict[Any, Any]) -> dict[Any, Any]:
        plain, convert = _PLAIN, self._convert
        return {k: v if type(v) in plain else convert[type(v)](v) for k, v in value.items()}

    def _list(self, value: list[Any] | tuple[Any, ...]) -> list[Any]:
        plain, convert = _PLAIN, self._convert
        return [v if type(v) in plain else convert[type(v)](v) for v in value]

    def _custom(self, transcoding: Transcoding) -> Callable[[Any], Any]:
        """How one registered type is written: `{"_type_": name, "_data_": encoded}`."""
        name = transcoding.name
        if type(transcoding) is UUIDAsHex:
            return lambda value: {"_type_": name, "_data_": value.hex}
        if type(transcoding) is DatetimeAsISO:
            return lambda value: {"_type_": name, "_data_": _moment(value)}
        encode, plain = transcoding.encode, self._plain
        return lambda value: {"_type_": name, "_data_": plain(encode(value))}


def _moment(value: datetime) -> datetime | str:
    """A datetime for orjson to write where its text is `isoformat()`'s (faster, and the same
    but for an offset with seconds, which orjson leaves out): else `isoformat()` itself."""
    zone = value.tzinfo
    if zone is None or zone is UTC or zone in _WHOLE_MINUTES:
        return value
    offset = value.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        return value.isoformat()
    if type(zone) is timezone:
        _WHOLE_MINUTES.add(zone)  # a fixed offset: every moment in it is the same
    return value


_WHOLE_MINUTES: set[tzinfo] = set()


class StoredEventMapper(Mapper[UUID]):
    """eventsourcing's Mapper, its `to_stored_event` without the per-event lookups it repeats."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        """The stored event eventsourcing's Mapper makes of `domain_event`."""
        if self.compressor is not None or self.cipher is not None:
            return super().to_stored_event(domain_event)
        cls = type(domain_event)
        topic = _topics.get(cls) or _topic_of(cls)
        state = dict(domain_event.__dict__)
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(cls, "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        stored = _new_stored(StoredEvent)
        _set_fields(
            stored,
            "__dict__",
            {
                "originator_id": originator_id,
                "originator_version": originator_version,
                "topic": topic,
                "state": self.transcoder.encode(state),
            },
        )
        return stored


_topics: dict[type, str] = {}
_new_stored = object.__new__
_set_fields = object.__setattr__


def _topic_of(cls: type) -> str:
    topic = _topics[cls] = get_topic(cls)
    return topic
