"""CPU per call of the store reads every service makes, on PostgreSQL: the batch preload
(`shared.preload.select_many`), the relay's outbox read, a position read.

    .venv/bin/python -m bench.store_calls_cost [--calls 2000]

A store is filled by the plumbing bench's stand-in (`bench.plumbing_cost`: 300 messages, an
event and an outbox row each), then each read is made `--calls` times. Prints JSON with CPU
microseconds per call (this process only: the server's own work is not counted). Run it on two
checkouts back to back (`PYTHONPATH=<checkout>`) for a before/after pair. PostgreSQL needs
`LAPOR_DATABASE_URL` (else one is started).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from bench import plumbing_cost as pc
from shared.messaging.outbox import install_outbox
from shared.preload import select_many
from shared.processing import Statement
from shared.tables import database_of


def _cpu_us(calls: int, read: Callable[[], Any]) -> float:
    started = time.process_time()
    for _ in range(calls):
        read()
    return round(1e6 * (time.process_time() - started) / calls, 1)


def measure(calls: int) -> dict[str, Any]:
    with pc.store_env("postgres") as env:
        app = pc.StandIn(env=env)
        db, _ = database_of(app.recorder)
        db.run([Statement(sql, {}) for sql in pc.TABLES])
        install_outbox(app, pc.translate, legacy_relay="bench-relay")
        pc.run_batches(app, 0, 300, 15)
        ids = [UUID(str(n.originator_id)) for n in app.recorder.select_notifications(1, 12)]
        recorder: Any = app.recorder
        found = {
            "select_many_1_id": _cpu_us(calls, lambda: select_many(recorder, None, ids[:1])),
            "select_many_12_ids": _cpu_us(calls, lambda: select_many(recorder, None, ids)),
            "select_outbox_200_rows": _cpu_us(calls // 10, lambda: recorder.select_outbox(0, 200)),
            "select_outbox_empty": _cpu_us(calls, lambda: recorder.select_outbox(10**6, 500)),
            "max_tracking_id": _cpu_us(calls, lambda: recorder.max_tracking_id("bench:0")),
        }
        app.close()
    return {"cpu_us_per_call": found, "calls": calls, "load_average": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    print(json.dumps(measure(args.calls), indent=1))


if __name__ == "__main__":
    main()
