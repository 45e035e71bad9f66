"""Waking whoever tails a store (the relay, a projector) when events are recorded, not polling.

In process, every write of a `BatchProcessApplication` calls its `recorded_listeners` (any store).
On PostgreSQL the recorder also sends `NOTIFY <events table>` in the writing transaction
(`shared.pgstore`); `listen_for_writes` LISTENs on that channel, so a write by another process (a
replica) wakes this one's waiters too. Each waiter has its own event: waking one never swallows
another's wake-up. A waiter still looks again after its idle time: a lost notification (the
LISTEN connection was being re-opened) costs that long, never an event.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from shared.logging import get_logger

log = get_logger(__name__)

RECONNECT_SECONDS = 1.0


class Waiter:
    """One tailer's wake-up: cleared before it reads, set by any write after that."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def set(self) -> None:
        """Thread-safe: wake the waiter (from a writer's thread or the LISTEN task)."""
        self._loop.call_soon_threadsafe(self._event.set)

    def clear(self) -> None:
        """Call before reading: a write after this point wakes the next `wait`."""
        self._event.clear()

    async def wait(self, stopping: asyncio.Event, seconds: float) -> bool:
        """Until a write is recorded, the service stops, or `seconds` pass; whether a write was
        recorded (and the service goes on)."""
        waiters = [
            asyncio.ensure_future(stopping.wait()),
            asyncio.ensure_future(self._event.wait()),
        ]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        return self._event.is_set() and not stopping.is_set()


class Recorded:
    """The writes of one application, fanned out to its waiters.

    While a LISTEN connection is open it reports every write, this process's own included, so
    the in-process call is left out then (one wake-up per write, not two).
    """

    def __init__(self) -> None:
        self._waiters: list[Waiter] = []
        self.listening = False

    def waiter(self) -> Waiter:
        """A new waiter on the running event loop."""
        waiter = Waiter()
        self._waiters.append(waiter)
        return waiter

    def written(self) -> None:
        """This process recorded events (called from the writer's thread)."""
        if not self.listening:
            self.notify()

    def notify(self) -> None:
        """Events were recorded (called from any thread)."""
        for waiter in list(self._waiters):
            with contextlib.suppress(RuntimeError):  # a loop that has closed (a finished test)
                waiter.set()


def recorded(app: Any) -> Recorded:
    """The application's write signal, made and attached to its listeners on first use."""
    found: Recorded | None = getattr(app, "_recorded_signal", None)
    if found is None:
        found = Recorded()
        app._recorded_signal = found
        listeners = getattr(app, "recorded_listeners", None)
        if listeners is not None:
            listeners.append(found.written)
    return found


def can_listen(app: Any) -> bool:
    """Whether the application's store sends notifications (PostgreSQL)."""
    recorder = getattr(app, "recorder", None)
    pool = getattr(getattr(recorder, "datastore", None), "pool", None)
    return getattr(recorder, "channel_name", None) is not None and pool is not None


async def listen_for_writes(app: Any, stopping: asyncio.Event) -> None:
    """On PostgreSQL: LISTEN on the events table's channel until told to stop; else nothing."""
    if not can_listen(app):
        return
    channel = app.recorder.channel_name
    pool = app.recorder.datastore.pool
    import psycopg
    from psycopg.sql import SQL, Identifier

    signal = recorded(app)
    options = {k: v for k, v in pool.kwargs.items() if k != "row_factory"}
    while not stopping.is_set():
        try:
            async with await psycopg.AsyncConnection.connect(**options, autocommit=True) as conn:
                await conn.execute(SQL("LISTEN {0}").format(Identifier(channel)))
                signal.listening = True
                signal.notify()  # writes made while not listening are looked for now
                while not stopping.is_set():
                    async for _ in conn.notifies(timeout=1.0):
                        signal.notify()
        except Exception as error:  # the server is away: the waiters still look after idling
            signal.listening = False
            log.warning("listen-failed", channel=channel, error=repr(error)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), RECONNECT_SECONDS)
    signal.listening = False
