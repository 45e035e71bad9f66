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
error, it always gave. Stores written either way read the same.

Reading (`StoredJSONCodec`, `StoredEventCodec`: used by tracking, whose read model replays every
stored case event) is orjson's too: it parses the state, then one walk turns each
`{"_type_": name, "_data_": …}` object into its value, innermost first, as eventsourcing's
object hook does. What orjson reads otherwise than the standard decoder (NaN and Infinity,
numbers past a double, lone surrogates, integers past 64 bits, which it reads as floats) is
read by eventsourcing's decoder, so it gives the objects, or the error, it always gave. One
difference is left, in texts no encoder writes: an object naming a member twice, whose first
value held a transcoded value that fails, fails there and not here (orjson keeps the last).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timezone, tzinfo
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoding,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

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


# -- reading --------------------------------------------------------------------------------

_LARGEST_INT = 2**63  # orjson reads an integer past 64 bits as a float at least this large


class _ReadOtherwise(Exception):
    """orjson read a number the standard decoder reads otherwise (an integer past 64 bits)."""


class StoredJSONCodec(StoredJSONTranscoder):
    """The orjson encoder, and a decoder that gives what `JSONTranscoder.decode` gives."""

    def __init__(self) -> None:
        super().__init__()
        self._revive = _reviver(self.names, self._decode_obj)

    def decode(self, data: bytes) -> Any:
        """The objects `JSONTranscoder.decode` makes of `data`."""
        try:
            return self._revive(orjson.loads(data))
        except (orjson.JSONDecodeError, _ReadOtherwise):
            return super().decode(data)  # its objects, or its error


def _reviver(names: dict[str, Transcoding], hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A walk that does what the standard decoder's object hook does, innermost object first:
    `{"_type_": name, "_data_": data}` becomes the named transcoding's value; any other
    object of two members goes through the hook itself (its exact checks and errors)."""

    def revive_dict(found: dict[str, Any]) -> Any:
        for key, value in found.items():  # replacing values, never keys: the dict keeps its size
            kind = type(value)
            if kind is dict:
                found[key] = revive_object(value)
            elif kind is list:
                revive_list(value)
            elif kind is float and not -_LARGEST_INT < value < _LARGEST_INT:
                raise _ReadOtherwise
        return found

    def revive_object(found: dict[str, Any]) -> Any:
        """An object inside another: the usual one is a transcoded value, revived here in one
        step (its `_data_` a text, or a list of plain values: nothing inside to revive)."""
        if len(found) != 2:
            return revive_dict(found)
        name, data = found.get("_type_"), found.get("_data_", found)
        if type(name) is not str or data is found:
            return typed(revive_dict(found))  # not a transcoded value: as the hook sees it
        kind = type(data)
        if kind is list:
            revive_list(data)
        elif kind is dict or kind is float:
            return typed(revive_dict(found))
        transcoding = names.get(name)
        if transcoding is None:
            return hook(found)  # its error
        return transcoding.decode(data)

    def typed(found: dict[str, Any]) -> Any:
        return hook(found) if len(found) == 2 else found

    def revive_list(items: list[Any]) -> None:
        for index, value in enumerate(items):
            kind = type(value)
            if kind is dict:
                items[index] = revive_object(value)
            elif kind is list:
                revive_list(value)
            elif kind is float and not -_LARGEST_INT < value < _LARGEST_INT:
                raise _ReadOtherwise

    def revive(value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            return typed(revive_dict(value))
        if kind is list:
            revive_list(value)
        elif kind is float and not -_LARGEST_INT < value < _LARGEST_INT:
            raise _ReadOtherwise
        return value

    return revive


class StoredEventCodec(StoredEventMapper):
    """The mapper that writes with `StoredEventMapper` and reads without eventsourcing's
    per-event lookups (the class, its version, the id conversion: once per topic)."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """The domain event eventsourcing's Mapper makes of `stored_event`."""
        if self.compressor is not None or self.cipher is not None:
            return super().to_domain_event(stored_event)
        topic = stored_event.topic
        known = _classes.get(topic) or _class_of(topic)
        cls, class_version = known
        try:
            state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        except Exception as error:
            raise MapperDeserialisationError(
                f"Failed to deserialise state of stored event with topic '{topic}', "
                f"originator_id '{stored_event.originator_id}' and "
                f"originator_version {stored_event.originator_version}: {error}"
            ) from error
        originator_id = stored_event.originator_id
        convert = find_id_convertor(cls, cast(Hashable, type(originator_id)))
        state["originator_id"] = convert(originator_id)
        state["originator_version"] = stored_event.originator_version
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        domain_event = _new_stored(cls)
        _set_fields(domain_event, "__dict__", state)
        return domain_event  # type: ignore[no-any-return]


_classes: dict[str, tuple[Any, int]] = {}


def _class_of(topic: str) -> tuple[Any, int]:
    cls = resolve_topic(topic)
    known = _classes[topic] = (cls, getattr(cls, "class_version", 1))
    return known
