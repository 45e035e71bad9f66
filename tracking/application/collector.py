"""Bounded work without the cyclic garbage collector: it waits, then resumes (issue F3).

A projector's page makes many objects that live until its end and hold no cycles:
notifications, events, rows. Collecting during it traces them again at every threshold; after
it, most are gone. The pause is process-wide, so it only ever covers one page's work, and
whoever found the collector off (another thread's pause, a test, an operator) leaves it off.
(Paused around the consumer's batches too, tracking's policy measured no gain.)
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block; it resumes after if it ran before."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
