"""The outbox relay: sends the outbox's rows in order, its position in the same store.

Guarantee: at least once, in row order. A row is sent as stored (bytes encoded when its domain
event was recorded, `shared.messaging.outbox`), and the position is stored only after the broker
acknowledged every row up to it; after a crash the rows after the stored position are sent
again, byte for byte, so a consumer sees the same `event_id` (and a dead letter the same copy).
A round's rows go out as one record batch per partition (`shared.messaging.batches`: the
default partitioner's partitions, row order within each), all in flight together; the relay
awaits their acknowledgements at once.

One thread hop and one store transaction per batch: the position a batch reached is stored in
the transaction that reads the next rows (`track_and_select_outbox`; on PostgreSQL one query
text, one round trip), the relay's next round: at once after a full batch, else on the next
write or after `idle_seconds`, and when the relay stops. A crash can so resend one round more;
never skip. Woken by a write, the relay first waits `gather_seconds`, so the rows of the writes
made meanwhile (other partitions' batches, other use cases) go out in the same round.

While it runs, the relay deletes what every relay of its store has sent (`prune`: every
`prune_seconds`, in chunks of `prune_chunk` rows, each its own transaction in a worker thread,
beside the sending rounds): see `shared.messaging.outbox` for which rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import Tracking

from shared.logging import get_logger
from shared.messaging.batches import BatchProducer, send_rows
from shared.messaging.outbox import (
    POSITION_SUFFIX,
    OutboxRecorder,
    OutboxRow,
    Outgoing,
    Translate,
    install_outbox,
)
from shared.wakeup import recorded

log = get_logger(__name__)

__all__ = ["OutboxRelay", "Outgoing", "Translate", "position_name"]

Observe = Callable[[Sequence[OutboxRow], float], None]  # a published batch's rows, seconds


def _unobserved(rows: Sequence[OutboxRow], seconds: float) -> None:
    return None


def _nothing() -> None:
    return None


def position_name(relay: str) -> str:
    """Where a relay stores its position in the outbox (`relay` alone: the old log position)."""
    return f"{relay}{POSITION_SUFFIX}"


class OutboxRelay:
    """Publishes the outbox's rows exactly in id order.

    Constructed, it installs the application's outbox with `translate` (once; see
    `install_outbox`: events an older relay left unpublished become rows first).
    """

    def __init__(
        self,
        app: Any,
        producer: BatchProducer,
        translate: Translate,
        *,
        name: str = "outbox-relay",
        batch_size: int = 500,
        idle_seconds: float = 1.0,
        gather_seconds: float = 0.0,
        observe: Observe = _unobserved,
        prune_seconds: float = 30.0,
        prune_chunk: int = 5000,
    ) -> None:
        install_outbox(app, translate, legacy_relay=name)
        self._observe = observe
        self._app = app
        self._recorder: OutboxRecorder = app.recorder
        self._producer = producer
        self.name = name
        self.position_name = position_name(name)
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._gather_seconds = gather_seconds
        self.published = 0
        self._position: int | None = None  # the last row the broker acknowledged
        self._stored: int | None = None  # the last position stored
        self.failing_since: float | None = None
        self._prune_seconds = prune_seconds
        self._prune_chunk = prune_chunk
        self.pruned = 0

    def position(self) -> int:
        """The last outbox row published and acknowledged (stored, or about to be)."""
        if self._position is None:
            self._position = self._stored = (
                self._app.recorder.max_tracking_id(self.position_name) or 0
            )
        return self._position

    async def publish_pending(self) -> int:
        """Store the position reached, then publish one batch of unpublished rows; how many."""
        return await self._publish(_nothing)

    async def _publish(self, before_read: Callable[[], None]) -> int:
        """One round: store the position reached and read the rows after it (one worker call),
        send them, and keep the position they reach for the next round to store.

        `before_read` is called just before the outbox is read.
        """
        started = time.perf_counter()
        before_read()
        try:
            rows = await asyncio.to_thread(self._read)
        except Exception:
            self._position = self._stored = None  # re-read: another relay may have moved it
            raise
        if not rows:
            return 0
        await send_rows(self._producer, rows)
        self._position = rows[-1].id  # acknowledged: the next round stores it
        self.published += len(rows)
        self._observe(rows, time.perf_counter() - started)
        return len(rows)

    def _read(self) -> list[OutboxRow]:
        """In the worker thread: store the position reached and read the rows after it, in one
        transaction (a read alone when the position is stored already)."""
        position = self.position()
        if position == self._stored:
            return self._recorder.select_outbox(position, self._batch_size)
        tracking = Tracking(self.position_name, position)
        rows = self._recorder.track_and_select_outbox(tracking, self._batch_size)
        self._stored = position
        return rows

    def _save(self) -> None:
        """In the worker thread: store the position if the broker acknowledged rows past it."""
        position = self.position()
        if position != self._stored:
            self._app.recorder.insert_tracking(Tracking(self.position_name, position))
            self._stored = position

    async def run(self, stopping: asyncio.Event) -> None:
        """Publish until told to stop; on a broker error wait and try again.

        After a batch shorter than `batch_size` (everything written before its read is sent) it
        waits for a write (`shared.wakeup`: in process, and on PostgreSQL by LISTEN, so another
        replica's write wakes it too), at most `idle_seconds`. Run again (a replica's new term
        as leader), it starts from the stored position; stopped, it stores the one it reached.
        """
        self._position = self._stored = None
        pruning = asyncio.create_task(self._prune_until(stopping))
        try:
            await self._publish_until(stopping)
        finally:
            pruning.cancel()  # a chunk being deleted finishes in its thread
        try:
            await asyncio.to_thread(self._save)
        except Exception as error:  # the next relay sends the last round again: at least once
            log.warning("relay-position-not-stored", relay=self.name, error=repr(error)[:300])

    async def _publish_until(self, stopping: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        waiter = recorded(self._app).waiter()
        while not stopping.is_set():
            try:  # the waiter is cleared before each read: a write after it wakes the next wait
                count = await self._publish(waiter.clear)
                self.failing_since = None
            except Exception as error:  # the broker or database is away: retry, never skip
                log.error("relay-failed", relay=self.name, error=repr(error))
                self.failing_since = self.failing_since or loop.time()
                count = 0
                await _wait(stopping, 1.0)
            if count >= self._batch_size:
                continue
            if await waiter.wait(stopping, self._idle_seconds) and self._gather_seconds > 0:
                await self._gather(stopping)

    async def _gather(self, stopping: asyncio.Event) -> None:
        """Woken by a write: the writes of the next `gather_seconds` join its round."""
        await _wait(stopping, self._gather_seconds)

    async def prune(self) -> int:
        """Delete the rows every relay of the store has sent, a chunk per transaction; how many."""
        deleted = 0
        while True:
            count = await asyncio.to_thread(self._recorder.prune_outbox, self._prune_chunk)
            deleted += count
            self.pruned += count
            if count < self._prune_chunk:
                return deleted

    async def _prune_until(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            await _wait(stopping, self._prune_seconds)
            if stopping.is_set():
                return
            try:
                deleted = await self.prune()
            except Exception as error:  # the rows stay until the next pass; sending goes on
                log.warning("relay-prune-failed", relay=self.name, error=repr(error)[:300])
                continue
            if deleted:
                log.info("relay-pruned", relay=self.name, rows=deleted)

    def stuck(self, grace_seconds: float) -> bool:
        """Whether publishing has failed for longer than the grace period."""
        since = self.failing_since
        return since is not None and asyncio.get_running_loop().time() - since > grace_seconds


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
