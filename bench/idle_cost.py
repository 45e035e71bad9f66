"""What the four services cost at rest: CPU share of a core per process with nothing happening.

    .venv/bin/python -m bench.idle_cost [--seconds 30] [--settle 20] [--store sqlite|postgres]
        [--profile DIR]

Starts its own Kafka (and PostgreSQL if asked), the four services as processes, waits until
they are ready and `--settle` seconds more (start-up work done), then measures each process's CPU
over `--seconds`. With `--profile`, py-spy samples each process's GIL holder meanwhile (raw
collapsed stacks, one file per service). Prints JSON: percent of one core per service.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.system import SERVICES, System
from services.local.infra import LocalKafka, LocalPostgres
from shared.messaging.admin import ensure_topics


def _profile(system: System, folder: Path, seconds: float) -> list[subprocess.Popen[bytes]]:
    spy = [str(Path(sys.executable).with_name("py-spy")), "record", "--gil", "-r", "100"]
    spy += ["-d", str(int(seconds)), "-f", "raw"]
    return [
        subprocess.Popen(
            [*spy, "-o", str(folder / f"{r.service}.txt"), "-p", str(r.process.pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for r in system.replicas
    ]


def measure(seconds: float, settle: float, store: str, profile: Path | None) -> dict[str, object]:
    with contextlib.ExitStack() as stack:
        kafka = stack.enter_context(LocalKafka()).bootstrap_servers
        database = stack.enter_context(LocalPostgres()).url if store == "postgres" else None
        asyncio.run(ensure_topics(kafka))
        folder = Path(tempfile.mkdtemp(prefix="lapor-idle-"))
        system = System(kafka, database, folder, f"idle{uuid.uuid4().hex[:6]}")
        stack.callback(system.stop)
        system.start(1)
        time.sleep(settle)
        spies = []
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
            spies = _profile(system, profile, seconds)
        system.mark()
        time.sleep(seconds)
        system.end()
        for spy in spies:
            spy.wait()
        cpu = system.cpu_s()
    return {
        "store": store,
        "seconds": seconds,
        "cpu_percent_of_a_core": {s: round(100 * cpu[s] / seconds, 2) for s in SERVICES},
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    print(json.dumps(measure(args.seconds, args.settle, args.store, args.profile), indent=1))


if __name__ == "__main__":
    main()
