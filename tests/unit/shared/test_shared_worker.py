"""The consumer's own worker thread: calls in order in one thread, results and errors handed
back, a cancelled caller's call finished and dropped, the thread ended and started again."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from shared.messaging import worker as worker_module
from shared.messaging.worker import Worker

ASKED: contextvars.ContextVar[str] = contextvars.ContextVar("asked", default="")


def thread_name() -> str:
    return threading.current_thread().name


async def test_calls_run_in_one_thread_of_their_own_and_answer_in_order() -> None:
    worker = Worker("consumer-test")
    names = [await worker.run(thread_name) for _ in range(3)]
    assert names == ["consumer-test"] * 3 and threading.current_thread().name != names[0]
    assert await worker.run(sorted, [3, 1, 2]) == [1, 2, 3]
    assert worker.calls == 4
    worker.close()


async def test_an_error_is_raised_in_the_caller_and_the_thread_goes_on() -> None:
    worker = Worker("consumer-test")
    with pytest.raises(ZeroDivisionError):
        await worker.run(divmod, 1, 0)
    assert await worker.run(divmod, 7, 2) == (3, 1)
    worker.close()


async def test_the_call_runs_in_the_callers_context() -> None:
    worker = Worker("consumer-test")
    ASKED.set("laporan-7")
    assert await worker.run(ASKED.get) == "laporan-7"
    worker.close()


async def test_a_cancelled_callers_call_is_finished_and_dropped_and_the_next_answered() -> None:
    worker = Worker("consumer-test")
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def slow() -> str:
        started.set()
        release.wait()
        done.append("slow")
        return "slow"

    task = asyncio.create_task(worker.run(slow))
    await asyncio.to_thread(started.wait)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()
    assert await worker.run(str, "next") == "next"
    assert done == ["slow"]  # it ran to its end before the next call
    worker.close()


async def test_a_closed_or_idle_thread_ends_and_the_next_call_starts_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worker = Worker("consumer-test")
    first = await worker.run(threading.current_thread)
    worker.close()
    await asyncio.to_thread(first.join, 10)
    assert not first.is_alive()
    monkeypatch.setattr(worker_module, "IDLE_SECONDS", 0.01)
    second = await worker.run(threading.current_thread)
    assert second is not first
    await asyncio.to_thread(second.join, 10)  # idle: it ends by itself
    assert not second.is_alive()
    assert await worker.run(str, "lagi") == "lagi"
    worker.close()


async def test_a_stop_iteration_reaches_the_caller_as_an_error_not_a_wait_forever() -> None:
    worker = Worker("consumer-test")
    with pytest.raises(RuntimeError, match="StopIteration"):
        await worker.run(next, iter(()))
    worker.close()
