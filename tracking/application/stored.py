"""How the case events' value objects are stored: one JSON array each, moments as ISO text.

An array (the fields in declaration order) decodes in one step, without a nested transcoding
per moment: the replay of the read model decodes every stored event. A field added later goes
at the end with a default, so older stored arrays still read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from tracking.domain.deadlines import Deadline
from tracking.domain.values import ActedBy, Envelope, Person, Standing


class ValueObject(Transcoding):
    """A frozen dataclass as a JSON array of its fields."""

    def __init__(self, cls: type[Any], name: str) -> None:
        self.type, self.name = cls, name
        fields = dataclasses.fields(cls)
        self._names = tuple(f.name for f in fields)
        self._moments = tuple(i for i, f in enumerate(fields) if "datetime" in str(f.type))
        self._defaults = tuple(f.default for f in fields)  # MISSING for the required ones
        self._build = _builder(cls, self._names)
        # The transcoder calls `decode` per stored value: a generated function, no method.
        fast = _decoder(cls, self._names, self._moments, self._decode_older)
        self.decode = fast  # type: ignore[method-assign,assignment]

    def encode(self, obj: Any) -> list[Any]:
        data = [getattr(obj, name) for name in self._names]
        for index in self._moments:
            moment: datetime | None = data[index]
            if moment is not None:
                data[index] = moment.isoformat()
        return data

    def decode(self, data: list[Any]) -> Any:
        """(Replaced in each instance by `_decoder`'s function; this is its slow path.)"""
        return self._decode_older(data)

    def _decode_older(self, data: list[Any]) -> Any:
        """Values stored before a field was added (or a wrong number of them)."""
        for index in self._moments:
            if index < len(data) and data[index] is not None:
                data[index] = shared_moment(data[index])
        if len(data) < len(self._names):  # stored before a field was added: its default
            data += self._defaults[len(data) :]
        if len(data) != len(self._names):
            raise ValueError(f"{self.name}: {len(data)} values for {len(self._names)} fields")
        return self._build(data)


# Deadlines and standings repeat their moments (a case's due time in each of its events, a
# day's deadlines in many cases); datetimes are immutable, so one parsed moment is shared. The
# projector's decoding shares the events' own moments the same way (`case_decoding`).
shared_moment = lru_cache(maxsize=16_384)(datetime.fromisoformat)


def _builder(cls: type[Any], names: tuple[str, ...]) -> Callable[[list[Any]], Any]:
    """A function that makes a `cls` from its stored values, as the event store builds events:
    the values as they are, without __init__ (a frozen dataclass's __init__ sets each field
    through object.__setattr__). Generated, as dataclasses generate __init__: a dict display is
    several times faster than dict(zip(...)), and every stored case event holds a few of these.
    """
    fields = ", ".join(f"{name!r}: data[{index}]" for index, name in enumerate(names))
    source = (
        "def build(data, new=object.__new__, set=object.__setattr__):\n"
        f"    value = new(cls)\n    set(value, '__dict__', {{{fields}}})\n    return value\n"
    )
    scope: dict[str, Any] = {"cls": cls}
    exec(source, scope)  # the source is made of the dataclass's own field names
    build: Callable[[list[Any]], Any] = scope["build"]
    return build


def _decoder(
    cls: type[Any],
    names: tuple[str, ...],
    moments: tuple[int, ...],
    older: Callable[[list[Any]], Any],
) -> Callable[[list[Any]], Any]:
    """`decode` in one generated function for the usual case (one value per field): each
    moment parsed in place, the value object built as `_builder` builds it, no loops."""
    values = ", ".join(
        f"{name!r}: None if (v{index} := data[{index}]) is None else moment(v{index})"
        if index in moments
        else f"{name!r}: data[{index}]"
        for index, name in enumerate(names)
    )
    source = (
        "def decode(data, new=object.__new__, set=object.__setattr__):\n"
        f"    if len(data) != {len(names)}:\n        return older(data)\n"
        f"    value = new(cls)\n    set(value, '__dict__', {{{values}}})\n    return value\n"
    )
    scope: dict[str, Any] = {"cls": cls, "moment": shared_moment, "older": older}
    exec(source, scope)  # the source is made of the dataclass's own field names
    decode: Callable[[list[Any]], Any] = scope["decode"]
    return decode


VALUE_OBJECTS = (
    ValueObject(Envelope, "envelope"),
    ValueObject(Standing, "standing"),
    ValueObject(Deadline, "deadline"),
    ValueObject(ActedBy, "acted_by"),
    ValueObject(Person, "person"),
)


def register_value_objects(transcoder: JSONTranscoder) -> None:
    """Teach the event store's transcoder the case events' value objects."""
    for transcoding in VALUE_OBJECTS:
        transcoder.register(transcoding)
