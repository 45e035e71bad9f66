"""The case projector: tails tracking's own notification log into the read model.

Each batch of rows and the projector's position are written in one transaction, so the read
model is exactly the log up to its position. An event that cannot be projected is retried a
bounded number of times, then quarantined (held aside with its error) and the projector goes
on. Only the running service writes: `rebuild` is asked of it (`request_rebuild`), or run by
the command line while the service is down.

The log stays the source: every pass reads its notifications from the store, and the position
written with the rows is the promise. What is spared is the decoding: the case events this
process has just recorded are kept (`remember`, told by the application after each commit) by
notification id, and a notification read back is projected from the event kept for it when
there is one (same aggregate and version), else decoded. A crash loses only the kept events:
the next pass decodes them from the store. Rebuilds, catch-up after a restart and the events
another replica wrote are decoded as before: today's case events in one generated step per
class (`case_decoding`), anything else (older versions to upcast, odd shapes) the general way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.utils import get_topic
from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import InterfaceError, OperationalError

from shared.logging import get_logger
from shared.wakeup import recorded
from tracking.adapters import indexes
from tracking.adapters.case_decoding import case_decoder
from tracking.adapters.case_rows import project_all
from tracking.adapters.tables import (
    case_history,
    cases,
    moderation_acts,
    projection_position,
    projection_quarantine,
    timeline,
)
from tracking.application.collector import collector_paused
from tracking.domain.case import Case

log = get_logger(__name__)

# Stored case events' topics begin so: other stored events are not even decoded.
CASE_EVENTS = f"{get_topic(Case)}."
# The database being away is nobody's fault: wait for it, never quarantine.
TRANSIENT = (OperationalError, InterfaceError)
# Events kept for projection at most (a projector that far behind reads the rest from the store).
FRESH_LIMIT = 10_000


@dataclass(frozen=True)
class Quarantined:
    """An event the projector held aside."""

    notification_id: int
    event: str
    error: str
    at: datetime


@dataclass(frozen=True)
class ProjectionStatus:
    """Where a projection stands in the log."""

    name: str
    position: int
    head: int
    quarantined: int
    rebuilding: bool

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


class CaseProjector:
    """Keeps the case tables (`cases`, `case_history`, `timeline`, `moderation_acts`) in step."""

    name = "cases"
    tables = (timeline, case_history, moderation_acts, cases)

    def __init__(
        self,
        app: Any,
        engine: Engine,
        *,
        batch_size: int = 500,
        idle_seconds: float = 2.0,
        settle_seconds: float = 0.1,
        max_attempts: int = 3,
        rebuild_batch_size: int = 5000,
        rebuild_pages: int = 5,
        fresh_limit: int = FRESH_LIMIT,
    ) -> None:
        self._app = app
        self._engine = engine
        self._batch_size = batch_size
        self.rebuild_batch_size = rebuild_batch_size
        self.rebuild_pages = rebuild_pages  # pages per transaction of a rebuild
        self._idle_seconds = idle_seconds
        self._settle_seconds = settle_seconds
        self._max_attempts = max_attempts
        self._attempts: dict[int, int] = {}
        self._failing: str | None = None
        self._rebuild_requested = False
        self.rebuilding = False
        self._at_end = False  # the last pass read to the end of the log
        self._indexes_dropped = False  # by a reset, until the replay reaches the end
        self._fresh: dict[int, Any] = {}  # case events just recorded here, by notification id
        self._fresh_limit = fresh_limit
        self._decode = case_decoder(app.mapper)  # today's case events without the general walk
        listeners = getattr(app, "recordings_listeners", None)
        if listeners is not None:
            listeners.append(self.remember)

    # -- reading --------------------------------------------------------------------------

    def position(self) -> int:
        """The last notification id written to the read model."""
        with self._engine.connect() as conn:
            found = conn.scalar(
                select(projection_position.c.position).where(
                    projection_position.c.name == self.name
                )
            )
        return int(found or 0)

    def head(self) -> int:
        """The last notification id in the log."""
        return int(self._app.recorder.max_notification_id() or 0)

    def status(self) -> ProjectionStatus:
        """Position, head of the log, quarantined events, and whether a rebuild runs."""
        rebuilding = self.rebuilding or self._rebuild_requested
        return ProjectionStatus(
            self.name, self.position(), self.head(), len(self.quarantined()), rebuilding
        )

    def quarantined(self) -> list[Quarantined]:
        """The events held aside, oldest first."""
        query = (
            select(projection_quarantine)
            .where(projection_quarantine.c.projection == self.name)
            .order_by(projection_quarantine.c.notification_id)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Quarantined(r.notification_id, r.event, r.error, r.at) for r in rows]

    def health(self) -> list[str]:
        """Why the read model is degraded (empty when it is not)."""
        reasons = []
        held = len(self.quarantined())
        if held:
            reasons.append(f"projection {self.name}: {held} event(s) quarantined")
        if self._failing:
            reasons.append(f"projection {self.name}: retrying an event ({self._failing})")
        return reasons

    # -- writing --------------------------------------------------------------------------

    def remember(self, recordings: Sequence[Any]) -> None:
        """Keep the case events of a committed write, to project them without decoding."""
        fresh = self._fresh
        if len(fresh) >= self._fresh_limit:  # far behind (or not running): the store has them
            return
        for recording in recordings:
            notification = recording.notification
            if notification.topic.startswith(CASE_EVENTS):
                fresh[notification.id] = recording.domain_event

    def project_once(self, limit: int | None = None, pages: int = 1) -> int:
        """Project the next batch of new notifications (`pages` of them in one transaction,
        each of `limit`); returns how many.

        The cyclic garbage collector waits while a batch is projected (`collector_paused`):
        collecting during a rebuild's pages traced their objects again and again, a third of
        its CPU on PostgreSQL. A transaction of several pages that fails is rolled back and
        its first page tried alone, as any batch is (the bad event found one at a time).
        """
        limit = limit or self._batch_size
        self._at_end = False
        try:
            with collector_paused():
                count = self._project(limit, pages)
        except TRANSIENT:
            raise
        except Exception:
            if pages > 1:
                return self.project_once(limit)
            count = self._project_carefully(limit)  # one event is bad: find it, one at a time
        if count:
            self._failing = None
        if self._at_end and self._indexes_dropped:
            self._restore_indexes()
        return count

    def catch_up(self, limit: int | None = None, pages: int = 1) -> int:
        """Project until the read model reaches the end of the log; returns how many."""
        total = 0
        while count := self.project_once(limit, pages):
            total += count
        return total

    def rebuild(self) -> int:
        """Empty the read model and replay every case event from zero (the writer only).

        The replay commits `rebuild_pages` pages at a time: each commit writes the pages the
        last one wrote again (the tables' last leaves, the keys' inner pages): at one page each,
        SQLite's commits took 5-10 % of a rebuild's time. The position is written with the rows
        all the same: a replay cut short goes on from its last commit. PostgreSQL keeps a page
        per transaction (no gain measured there).
        """
        self.rebuilding = True
        pages = self.rebuild_pages if self._engine.dialect.name == "sqlite" else 1
        try:
            self.reset()
            return self.catch_up(self.rebuild_batch_size, pages)
        finally:
            self.rebuilding = False

    def reset(self) -> None:
        """Empty the projection's tables, its quarantine and its position.

        Its own tables are emptied whole: PostgreSQL truncates them (a DELETE leaves every row
        and index entry behind as dead, for the replay's inserts to wade through until a
        vacuum); SQLite truncates on a DELETE without a WHERE. Their secondary indexes are
        dropped with the rows, and built again when the replay reaches the end of the log
        (`tracking.adapters.indexes`).
        """
        with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                quote = conn.dialect.identifier_preparer.quote
                conn.execute(text(f"TRUNCATE {', '.join(quote(t.name) for t in self.tables)}"))
                indexes.drop_secondary(conn, self.tables)
            else:
                with _freed_unzeroed(conn):
                    for table in self.tables:
                        conn.execute(delete(table))
                    indexes.drop_secondary(conn, self.tables)
            self._indexes_dropped = True
            for shared in (projection_quarantine, projection_position):
                conn.execute(delete(shared).where(_mine(shared, self.name)))
        self._attempts.clear()

    def _restore_indexes(self) -> None:
        """Build the indexes a reset dropped, over the replayed tables."""
        with self._engine.begin() as conn:
            indexes.restore(conn, self.tables)
        self._indexes_dropped = False

    def request_rebuild(self) -> None:
        """Ask the running projector to rebuild (it is the read model's only writer)."""
        self._rebuild_requested = True

    async def run(self, stopping: asyncio.Event) -> None:
        """Project until told to stop; a failed batch is rolled back and tried again.

        Idle, it waits for the next write of the case events (`shared.wakeup`), at most
        `idle_seconds`. A pass that reached the end of the log does not look again until woken.
        After a pass that projected, it lets `settle_seconds` pass first, so that the writes of
        that moment are projected as one batch (a pass costs the same few statements whatever
        its size), not one pass per write.
        """
        waiter = recorded(self._app).waiter()
        while not stopping.is_set():
            waiter.clear()  # before reading: a write after this point wakes the next wait
            try:
                count = await asyncio.to_thread(self._step)
            except Exception as error:  # the database is away: roll back, wait, try again
                log.error("projection-failed", projection=self.name, error=repr(error))
                self._failing = self._failing or repr(error)[:200]
                count = 0
                await _wait(stopping, 1.0)
            if not self._at_end:
                continue  # more may be waiting, or a failed pass is tried again
            if count:
                await _wait(stopping, self._settle_seconds)
            await waiter.wait(stopping, self._idle_seconds)

    def _step(self) -> int:
        if self._rebuild_requested:
            self._rebuild_requested = False
            return self.rebuild()
        return self.project_once()

    def _project(self, limit: int, pages: int = 1) -> int:
        """Project up to `pages` pages of `limit` notifications in one transaction."""
        total, at_end = 0, False
        with self._engine.begin() as conn:
            position = self._claim_position(conn)
            for _ in range(pages):
                count, position = self._page(conn, position, limit)
                total += count
                if at_end := count < limit:
                    break
        self._at_end = at_end
        if self._fresh:  # those projected here or by another replica are not needed any more
            self._forget(position)
        return total

    def _page(self, conn: Connection, start: int, limit: int) -> tuple[int, int]:
        """Project the notifications after `start` (at most `limit`); how many, and the
        position now written."""
        notifications = self._app.recorder.select_notifications(
            start, limit, inclusive_of_start=False
        )
        if not notifications:
            return 0, start
        mine = [n for n in notifications if n.topic.startswith(CASE_EVENTS)]
        project_all(conn, self._events(mine))
        position = notifications[-1].id
        self._advance(conn, position)
        return len(notifications), position

    def _events(self, notifications: Sequence[Any]) -> list[Any]:
        """The domain events of these notifications: kept ones as they are, others decoded."""
        to_event = self._decode
        fresh = self._fresh
        if not fresh:
            return [to_event(notification) for notification in notifications]
        events = []
        for notification in notifications:
            event = fresh.pop(notification.id, None)
            if (
                event is None
                or event.originator_version != notification.originator_version
                or event.originator_id != notification.originator_id
            ):
                event = to_event(notification)
            events.append(event)
        return events

    def _forget(self, position: int) -> None:
        """Drop kept events at or before the position (projected by a pass that read them
        before they were handed over, or by another replica's projector)."""
        fresh = self._fresh
        for notification_id in list(fresh):  # a copy: the consumer's threads add meanwhile
            if notification_id <= position:
                fresh.pop(notification_id, None)

    def _project_carefully(self, limit: int) -> int:
        """One event at a time up to the bad one; it is retried, then quarantined."""
        done = 0
        while done < limit:
            try:
                count = self._project(1)
            except TRANSIENT:
                raise
            except Exception as error:
                return done + self._held(error)
            if count == 0:
                break
            done += count
        return done

    def _held(self, error: Exception) -> int:
        """Count one more failed attempt of the next event; quarantine it after the last."""
        [notification] = self._app.recorder.select_notifications(
            self.position(), 1, inclusive_of_start=False
        )
        attempts = self._attempts.get(notification.id, 0) + 1
        self._attempts[notification.id] = attempts
        self._failing = f"{notification.topic} #{notification.id}: {error!r}"[:300]
        if attempts < self._max_attempts:
            raise error
        self._quarantine(notification, error)
        return 1

    def _quarantine(self, notification: Any, error: Exception) -> None:
        label = f"{notification.originator_id}:{notification.originator_version}"
        log.error("projection-quarantined", projection=self.name, held=label, error=repr(error))
        with self._engine.begin() as conn:
            self._claim_position(conn)
            conn.execute(
                insert(projection_quarantine).values(
                    projection=self.name,
                    notification_id=notification.id,
                    event=f"{label} {notification.topic}"[:200],
                    error=repr(error)[:4000],
                    at=datetime.now(UTC),
                )
            )
            self._advance(conn, notification.id)
        self._attempts.pop(notification.id, None)
        self._failing = None

    def _advance(self, conn: Connection, position: int) -> None:
        conn.execute(_ADVANCE, {"projection": self.name, "position": position})

    def _claim_position(self, conn: Connection) -> int:
        """The position, locked for this transaction (replicas take turns on PostgreSQL)."""
        found = conn.scalar(_CLAIM, {"projection": self.name})
        if found is None:
            conn.execute(insert(projection_position).values(name=self.name, position=0))
            return 0
        return int(found)


# Built once (SQLAlchemy reuses their compiled form): every batch runs both.
_CLAIM = (
    select(projection_position.c.position)
    .where(projection_position.c.name == bindparam("projection"))
    .with_for_update()
)
_ADVANCE = (
    update(projection_position)
    .where(projection_position.c.name == bindparam("projection"))
    .values(position=bindparam("position"))
)


@contextlib.contextmanager
def _freed_unzeroed(conn: Connection) -> Iterator[None]:
    """SQLite frees the emptied tables' pages without writing zeros over each first.

    Debian's SQLite deletes securely by default: every freed page is overwritten, so emptying
    the read model wrote it all once more (the WAL, then the checkpoint), a tenth of a rebuild.
    `FAST` still clears deleted rows inside the pages it writes anyway; the freed pages keep
    their old bytes until the replay, which writes the same rows again, reuses them (the
    store they come from holds all of it). The setting is this connection's, never stored:
    it is put back before the transaction ends, so a crash leaves nothing changed.
    """
    before = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
    conn.exec_driver_sql("PRAGMA secure_delete = FAST")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA secure_delete = {int(before or 0)}")


def _mine(table: Any, name: str) -> Any:
    """Rows of one projection in a table several share."""
    column = "projection" if "projection" in table.c else "name"
    return table.c[column] == name


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
