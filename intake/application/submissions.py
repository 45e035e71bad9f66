"""Messages arriving over HTTP, recorded together: one transaction for all that wait (group commit).

Each caller gets a future of its own outcome; a worker thread drains what is waiting (up to
`max_batch`) and records it with `IntakeApplication.submit_many`, the path the consumer takes.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from shared.contracts import IntakeMessage
from shared.logging import get_logger

if TYPE_CHECKING:
    from intake.application.app import IntakeApplication, Submitted

log = get_logger(__name__)

Waiting = tuple[IntakeMessage, "Future[Submitted]"]


class SubmissionQueue:
    """Hands HTTP messages to one recording thread; callers wait on their own future."""

    def __init__(self, app: IntakeApplication, max_batch: int = 100) -> None:
        self._app = app
        self._max_batch = max_batch
        self._waiting: queue.SimpleQueue[Waiting | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, message: IntakeMessage) -> Future[Submitted]:
        """Queue a message; the future resolves to (status, created) or its error."""
        future: Future[Submitted] = Future()
        self._ensure_worker()
        self._waiting.put((message, future))
        return future

    def close(self) -> None:
        """Let the worker finish what is queued and stop."""
        if self._worker is not None:
            self._waiting.put(None)
            self._worker.join(timeout=30)

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._run, name="intake-submissions", daemon=True
                )
                self._worker.start()

    def _run(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            group = [first]
            while len(group) < self._max_batch and not self._waiting.empty():
                item = self._waiting.get()
                if item is None:
                    self._record(group)
                    return
                group.append(item)
            self._record(group)

    def _record(self, group: list[Waiting]) -> None:
        live = [(m, f) for m, f in group if f.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            outcomes = self._app.submit_many([m for m, _ in live])
        except Exception as error:  # one message's bug must not fail the others: one by one
            if len(live) > 1:
                log.warning("submission-group-failed-retrying-one-by-one", error=repr(error))
                for item in live:
                    self._one(*item)
                return
            live[0][1].set_exception(error)
            return
        for (_, future), outcome in zip(live, outcomes, strict=True):
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    def _one(self, message: IntakeMessage, future: Future[Submitted]) -> None:
        try:
            [outcome] = self._app.submit_many([message])
        except Exception as error:
            future.set_exception(error)
            return
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
