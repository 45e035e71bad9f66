"""What one hop from the event loop to a worker thread costs (the consumer makes one per fetch).

    .venv/bin/python -m bench.thread_hop_cost [--hops 20000] [--rounds 2]

Prints JSON: CPU and wall microseconds per hop of a no-op call made with `asyncio.to_thread`
(what `shared.messaging.consumer` used), with `run_in_executor` (no context copy), with the
consumer's own worker thread (`shared.messaging.worker`, what it uses now), and inline (no
thread: the floor). A hop is paid once per fetch of 19-88 records in the bench, so divide by
that to get its share per record.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Callable, Coroutine
from typing import Any

from shared.messaging.worker import Worker


def _noop(value: int) -> int:
    return value


async def _to_thread(hops: int) -> None:
    for n in range(hops):
        await asyncio.to_thread(_noop, n)


async def _executor(hops: int) -> None:
    loop = asyncio.get_running_loop()
    for n in range(hops):
        await loop.run_in_executor(None, _noop, n)


async def _dedicated(hops: int) -> None:
    worker = Worker("hop-bench")
    for n in range(hops):
        await worker.run(_noop, n)
    worker.close()


async def _inline(hops: int) -> None:
    for n in range(hops):
        _noop(n)
        await asyncio.sleep(0)


WAYS: dict[str, Callable[[int], Coroutine[Any, Any, None]]] = {
    "to_thread": _to_thread,
    "run_in_executor": _executor,
    "dedicated_thread": _dedicated,
    "inline": _inline,
}


def measure(hops: int, rounds: int) -> dict[str, Any]:
    found: dict[str, list[dict[str, float]]] = {name: [] for name in WAYS}
    for _ in range(rounds):
        for name, way in WAYS.items():
            cpu, wall = time.process_time(), time.perf_counter()
            asyncio.run(way(hops))
            found[name].append(
                {
                    "cpu_us_per_hop": round(1e6 * (time.process_time() - cpu) / hops, 1),
                    "wall_us_per_hop": round(1e6 * (time.perf_counter() - wall) / hops, 1),
                }
            )
    return {"hops": hops, "rounds": found, "load_average": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hops", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(measure(args.hops, args.rounds), indent=1))


if __name__ == "__main__":
    main()
