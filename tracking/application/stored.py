"""How the case events' value objects are stored: one JSON object each, moments as ISO text.

Each is decoded in one step (no nested transcodings for its moments), and a field added later
with a default reads older stored values unchanged.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from tracking.domain.deadlines import Deadline
from tracking.domain.values import ActedBy, Envelope, Standing


class ValueObject(Transcoding):
    """A frozen dataclass as a JSON object of its fields."""

    def __init__(self, cls: type[Any], name: str) -> None:
        self.type, self.name = cls, name
        fields = dataclasses.fields(cls)
        self._moments = tuple(f.name for f in fields if "datetime" in str(f.type))

    def encode(self, obj: Any) -> dict[str, Any]:
        data = dict(vars(obj))
        for name in self._moments:
            moment: datetime | None = data[name]
            if moment is not None:
                data[name] = moment.isoformat()
        return data

    def decode(self, data: dict[str, Any]) -> Any:
        for name in self._moments:
            text = data.get(name)
            if text is not None:
                data[name] = datetime.fromisoformat(text)
        return self.type(**data)


VALUE_OBJECTS = (
    ValueObject(Envelope, "envelope"),
    ValueObject(Standing, "standing"),
    ValueObject(Deadline, "deadline"),
    ValueObject(ActedBy, "acted_by"),
)


def register_value_objects(transcoder: JSONTranscoder) -> None:
    """Teach the event store's transcoder the case events' value objects."""
    for transcoding in VALUE_OBJECTS:
        transcoder.register(transcoding)
