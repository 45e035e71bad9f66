"""One long-lived worker thread per consumer: its store calls leave the event loop by a queue.

`asyncio.to_thread` per call pays for a context copy, an executor work item, a concurrent future
and its chaining to an asyncio future on every hop (85-123 µs of CPU per hop measured by
`bench/thread_hop_cost.py`); a consumer makes one hop per fetch and its calls never overlap, so
one thread of its own fed by a queue does the same for about half of that. The call runs in a
copy of the caller's context, as with `to_thread`.

If the awaiting task is cancelled, the call still runs to its end in the thread (as with
`to_thread`) and its result is dropped. The thread is started on the first call, ends after
`IDLE_SECONDS` without one (or on `close`), and is started again by the next call; it is a
daemon so that a call stuck in a dead store cannot hold the process at exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

IDLE_SECONDS = 30.0
_STOP: Any = object()


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if isinstance(error, StopIteration):  # a future refuses it: the caller would wait forever
        wrapped = RuntimeError(f"StopIteration raised in the worker: {error!r}")
        wrapped.__cause__ = error
        error = wrapped
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class Worker:
    """Runs one call at a time, in order, in a thread of its own."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._calls: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.calls = 0  # how many calls were handed over (tests count the hops)

    async def run(self, func: Callable[..., T], /, *args: Any) -> T:
        """`func(*args)` in the worker thread; its result or its exception here."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        context = contextvars.copy_context()
        self.calls += 1
        with self._lock:  # the thread may be ending for idleness right now: then start another
            self._calls.put((loop, future, context, func, args))
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()
        return await future

    def close(self) -> None:
        """Let the thread end once the calls handed over are done."""
        self._calls.put(_STOP)

    def _serve(self) -> None:
        while True:
            try:
                call = self._calls.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._calls.empty():
                        self._thread = None
                        return
                continue
            if call is _STOP:
                with self._lock:
                    if self._calls.empty():
                        self._thread = None
                        return
                continue
            loop, future, context, func, args = call
            result, error = None, None
            try:
                result = context.run(func, *args)
            except BaseException as caught:  # handed to the caller, as to_thread does
                error = caught
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
                loop.call_soon_threadsafe(_settle, future, result, error)
            del call, loop, future, context, func, args, result, error
