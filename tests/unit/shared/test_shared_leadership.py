"""Leadership among replicas: one runs the once-only jobs; a standby takes over in bounded time."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from shared.leadership import FileLease, SoleLease, lead, lease_for
from tests.plumbing_app import NoteTaker

EVERY = 0.05


class Worker:
    """A job that notes which replica runs it, and when it is running."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log
        self.running = False

    async def run(self, stopping: asyncio.Event) -> None:
        self.log.append(f"{self.name} starts")
        self.running = True
        await stopping.wait()
        self.running = False
        self.log.append(f"{self.name} stops")


async def until(condition: object, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.01)


def test_a_file_lease_is_held_by_one_holder_at_a_time(tmp_path: Path) -> None:
    first, second = FileLease(tmp_path / "x.lease"), FileLease(tmp_path / "x.lease")
    assert first.acquire() and first.acquire()  # taking it again changes nothing
    assert not second.acquire()
    first.release()
    assert second.acquire() and not first.acquire()
    second.release()


def test_a_file_lease_is_freed_when_its_holder_process_dies(tmp_path: Path) -> None:
    path = tmp_path / "x.lease"
    script = (
        "import sys, pathlib; from shared.leadership import FileLease; "
        f"assert FileLease(pathlib.Path({str(path)!r})).acquire(); print('held', flush=True); "
        "sys.stdin.read()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        standby = FileLease(path)
        assert not standby.acquire()
        holder.kill()
        holder.wait(10)
        assert standby.acquire()
        standby.release()
    finally:
        holder.kill()


async def test_one_replica_runs_the_jobs_and_a_standby_takes_over_when_it_stops(
    tmp_path: Path,
) -> None:
    log: list[str] = []
    a, b = Worker("a", log), Worker("b", log)
    stop_a, stop_b = asyncio.Event(), asyncio.Event()
    path = tmp_path / "svc.lease"
    replica_a = asyncio.create_task(lead(FileLease(path), [a.run], stop_a, name="t", every=EVERY))
    await until(lambda: a.running)
    replica_b = asyncio.create_task(lead(FileLease(path), [b.run], stop_b, name="t", every=EVERY))
    await asyncio.sleep(EVERY * 5)  # the standby tries several times and is refused
    assert not b.running
    stop_a.set()
    await replica_a
    await until(lambda: b.running)
    stop_b.set()
    await replica_b
    assert log == ["a starts", "a stops", "b starts", "b stops"]  # never two at once


class Revocable:
    """A lease the store can take away (the leader's session was cut)."""

    def __init__(self) -> None:
        self.holding = False
        self.free = True

    def acquire(self) -> bool:
        if self.free:
            self.holding, self.free = True, False
        return self.holding

    def held(self) -> bool:
        return self.holding

    def release(self) -> None:
        if self.holding:
            self.holding, self.free = False, True

    def revoke(self) -> None:
        self.holding, self.free = False, True


async def test_a_leader_that_loses_its_lease_stops_its_jobs_and_leads_again_later() -> None:
    log: list[str] = []
    worker, lease, stopping = Worker("a", log), Revocable(), asyncio.Event()
    task = asyncio.create_task(lead(lease, [worker.run], stopping, name="t", every=EVERY))
    await until(lambda: worker.running)
    lease.revoke()
    await until(lambda: log[-1:] == ["a stops"])
    await until(lambda: worker.running)  # free again: it is taken on the next try
    stopping.set()
    await task
    assert log == ["a starts", "a stops", "a starts", "a stops"]


async def test_a_job_that_dies_ends_the_term_and_frees_the_lease(tmp_path: Path) -> None:
    async def broken(stopping: asyncio.Event) -> None:
        raise RuntimeError("a bug")

    lease = FileLease(tmp_path / "x.lease")
    with pytest.raises(RuntimeError, match="a job stopped"):
        await lead(lease, [broken], asyncio.Event(), name="t", every=EVERY)
    assert FileLease(tmp_path / "x.lease").acquire()


def test_the_lease_lives_where_the_replicas_share_their_store(tmp_path: Path) -> None:
    memory = NoteTaker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert isinstance(lease_for(memory, "svc"), SoleLease)
    db = tmp_path / "svc-events.sqlite"
    sqlite = NoteTaker(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)})
    lease = lease_for(sqlite, "svc")
    assert isinstance(lease, FileLease) and lease.path.parent == tmp_path
