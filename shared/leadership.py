"""Leadership among a service's replicas: one of them runs the work that must run once.

The outbox relay and the once-only jobs (tracking's deadline watch, notification's scheduler)
run in the replica that holds the service's lease; the others stand by and try to take it every
few seconds, so a standby takes over within that time of the leader's death.
- PostgreSQL: a session advisory lock, on a connection of its own, in the service's database.
  The server drops it when that connection ends: at once when the process dies, after the TCP
  keepalive (about 25 s) when its machine is cut off.
- SQLite: an exclusive `flock` on a file beside the event store; the kernel drops it with the
  process.
- In memory: the process is alone; it always leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, Protocol

import psycopg

from shared.logging import get_logger

log = get_logger(__name__)

Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]

LEASE_SECONDS = 2.0
# The client and the server both notice a vanished peer within about 25 s.
KEEPALIVE = "keepalives=1 keepalives_idle=10 keepalives_interval=5 keepalives_count=3"


class Lease(Protocol):
    """The right to lead, held by at most one replica at a time."""

    def acquire(self) -> bool:
        """Take the lease if it is free; True when this replica holds it."""
        ...

    def held(self) -> bool:
        """Whether this replica still holds the lease (False once it is lost)."""
        ...

    def release(self) -> None:
        """Give the lease up (a standby may take it)."""
        ...


class SoleLease:
    """One process, nobody to share with: always the leader."""

    def acquire(self) -> bool:
        """Always held."""
        return True

    def held(self) -> bool:
        """Always held."""
        return True

    def release(self) -> None:
        """Nothing to give up."""


class FileLease:
    """An exclusive lock on a file; the kernel releases it when the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Lock the file unless another process holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def held(self) -> bool:
        """A file lock is held until released or the process ends."""
        return self._fd is not None

    def release(self) -> None:
        """Unlock and close the file."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class PostgresLease:
    """A session advisory lock on a connection kept for it alone."""

    def __init__(self, connect: Callable[[], psycopg.Connection[Any]], key: int) -> None:
        self._connect = connect
        self.key = key
        self._conn: psycopg.Connection[Any] | None = None
        self._holding = False

    def acquire(self) -> bool:
        """Try the advisory lock (never waits); False when another session holds it."""
        if self._holding:
            return self.held()
        try:
            if self._conn is None:
                self._conn = self._connect()
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        except psycopg.Error as error:
            log.warning("lease-unavailable", error=repr(error)[:300])
            self._drop()
            return False
        self._holding = bool(row and row[0])
        return self._holding

    def held(self) -> bool:
        """The session is alive, so its lock is still held; a lost session lost the lock."""
        if not self._holding or self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error as error:
            log.warning("lease-lost", error=repr(error)[:300])
            self._drop()
            return False
        return True

    def release(self) -> None:
        """End the session: the server drops the lock with it."""
        self._drop()

    def _drop(self) -> None:
        conn, self._conn, self._holding = self._conn, None, False
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


def lease_key(name: str) -> int:
    """A stable 64-bit advisory lock key for a lease name."""
    return int.from_bytes(hashlib.sha256(f"lapor-lease:{name}".encode()).digest()[:8], signed=True)


def lease_for(app: Any, name: str) -> Lease:
    """The lease of an application's replicas, in the store they share."""
    env = app.env
    module = env.get("PERSISTENCE_MODULE", "")
    if module == "eventsourcing.postgres":
        conninfo = psycopg.conninfo.make_conninfo(
            KEEPALIVE,
            host=env.get("POSTGRES_HOST", "127.0.0.1"),
            port=env.get("POSTGRES_PORT", "5432"),
            user=env.get("POSTGRES_USER", "postgres"),
            password=env.get("POSTGRES_PASSWORD", ""),
            dbname=env.get("POSTGRES_DBNAME", ""),
            connect_timeout=5,
        )

        def connect() -> psycopg.Connection[Any]:
            conn = psycopg.connect(conninfo, autocommit=True)
            conn.execute("SET tcp_keepalives_idle = 10")  # the server notices a vanished leader
            conn.execute("SET tcp_keepalives_interval = 5")
            conn.execute("SET tcp_keepalives_count = 3")
            return conn

        return PostgresLease(connect, lease_key(name))
    database = env.get("SQLITE_DBNAME", "")
    if module == "eventsourcing.sqlite" and database and "memory" not in database:
        return FileLease(Path(f"{database}.{name}.lease"))
    return SoleLease()


async def lead(
    lease: Lease,
    jobs: Sequence[Job],
    stopping: asyncio.Event,
    *,
    name: str,
    every: float = LEASE_SECONDS,
) -> None:
    """Run `jobs` while this replica holds the lease; try to take it every `every` seconds."""
    try:
        while not stopping.is_set():
            if await asyncio.to_thread(lease.acquire):
                await _term(lease, jobs, stopping, name=name, every=every)
            await _wait(stopping, every)
    finally:
        await asyncio.to_thread(lease.release)


async def _term(
    lease: Lease, jobs: Sequence[Job], stopping: asyncio.Event, *, name: str, every: float
) -> None:
    """One term as leader: the jobs run until the service stops, or the lease is lost."""
    log.info("leading", lease=name)
    over = asyncio.Event()
    tasks = [asyncio.create_task(job(over)) for job in jobs]
    try:
        while not stopping.is_set() and not any(t.done() for t in tasks):
            await _wait(stopping, every)
            if not await asyncio.to_thread(lease.held):
                log.warning("leadership-lost", lease=name)
                break
    finally:
        over.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.to_thread(lease.release)
    for task in tasks:
        if task.done() and task.exception() is not None:  # a job died: let readiness see it
            raise RuntimeError(f"{name}: a job stopped") from task.exception()


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
