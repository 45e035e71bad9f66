"""What one batch noted while it is processed, dropped with the batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar
from uuid import UUID
from weakref import WeakKeyDictionary, ref

from eventsourcing.application import ProcessingEvent

T = TypeVar("T")


class PerBatch(Generic[T]):
    """One state per batch, made on first use; asked for many times per message, so the
    last batch's is answered without a look-up, and a state is made only when missing
    (`WeakKeyDictionary.setdefault` made, and dropped, a new one on every call)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._states: WeakKeyDictionary[ProcessingEvent[UUID], T] = WeakKeyDictionary()
        self._last: tuple[ref[ProcessingEvent[UUID]], T] | None = None

    def of(self, batch: ProcessingEvent[UUID]) -> T:
        """The batch's state (made now if it has none)."""
        last = self._last
        if last is not None and last[0]() is batch:
            return last[1]
        state = self._states.get(batch)
        if state is None:
            state = self._states[batch] = self._make()
        self._last = (ref(batch), state)
        return state

    def get(self, batch: ProcessingEvent[UUID]) -> T | None:
        """The batch's state, None when it has none yet."""
        last = self._last
        if last is not None and last[0]() is batch:
            return last[1]
        return self._states.get(batch)
