"""How the case events' value objects are stored: one JSON array each, moments as ISO text.

An array (the fields in declaration order) decodes in one step, without a nested transcoding
per moment: the replay of the read model decodes every stored event. A field added later goes
at the end with a default, so older stored arrays still read.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
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

    def encode(self, obj: Any) -> list[Any]:
        data = [getattr(obj, name) for name in self._names]
        for index in self._moments:
            moment: datetime | None = data[index]
            if moment is not None:
                data[index] = moment.isoformat()
        return data

    def decode(self, data: list[Any]) -> Any:
        for index in self._moments:
            if index < len(data) and data[index] is not None:
                data[index] = datetime.fromisoformat(data[index])
        if len(data) < len(self._names):  # stored before a field was added: its default
            data += self._defaults[len(data) :]
        # As the event store builds events: the stored values as they are, without __init__
        # (a frozen dataclass's __init__ sets each field through object.__setattr__).
        value: Any = object.__new__(self.type)
        object.__setattr__(value, "__dict__", dict(zip(self._names, data, strict=True)))
        return value


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
