"""What intake's `POST /v1/reports` sustains: requests per second answered 201, and latency.

    .venv/bin/python -m bench.intake_http --requests 2000 --concurrency 32 --store postgres

Runs `lapor serve intake` as a process (uvicorn, one worker) on a free port against the real
broker and store (its own Kafka / PostgreSQL unless LAPOR_KAFKA_BOOTSTRAP_SERVERS /
LAPOR_DATABASE_URL are set), then posts distinct reports from distinct reporters.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.intake_throughput import infrastructure
from shared.auth import digest, new_token
from shared.messaging.admin import ensure_topics
from tests.infra import free_port

ROOT = Path(__file__).resolve().parents[1]


def start_intake(
    kafka: str, database: str | None, port: int, token: str
) -> subprocess.Popen[bytes]:
    """`lapor serve intake` in its own state folder, logging to a file there."""
    folder = Path(tempfile.mkdtemp(prefix="lapor-bench-http-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "LAPOR_KAFKA_BOOTSTRAP_SERVERS": kafka,
        "LAPOR_STATE_DIR": str(folder),
        "LAPOR_INSTANCE": f"bench{uuid.uuid4().hex[:8]}",
        "LAPOR_AUTH_TOKENS": json.dumps({digest(token): "adapter"}),
        "LAPOR_INTAKE_PORT": str(port),
        "LAPOR_LOG_LEVEL": "WARNING",
    }
    if database:
        env["LAPOR_DATABASE_URL"] = database
    log = open(folder / "intake.log", "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "serve", "intake"],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )


async def wait_ready(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{url}/health/ready")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.3)
    raise TimeoutError("intake did not become ready")


async def hammer(url: str, token: str, total: int, concurrency: int) -> None:
    """Post `total` reports with `concurrency` in flight; print the rate and latencies."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            body = {
                "channel": "web",
                "message_id": f"bench-{uuid.uuid4()}",
                "text": f"Lampu jalan nomor {n} mati di Jl. Veteran sejak pekan lalu",
                "reporter": {"phone": f"0812{n:08d}"},
            }
            started = time.perf_counter()
            answer = await client.post(f"{url}/v1/reports", json=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    quantiles = statistics.quantiles(latencies, n=20)
    print(
        f"{total} POST /v1/reports in {elapsed:.1f} s = {total / elapsed:,.0f} req/s "
        f"(concurrency {concurrency}); statuses {statuses}; "
        f"latency p50 {quantiles[9] * 1000:.0f} ms, p95 {quantiles[18] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="postgres")
    args = parser.parse_args()
    token, port = new_token(), free_port()
    with infrastructure(args.store) as (kafka, database):
        asyncio.run(ensure_topics(kafka))
        process = start_intake(kafka, database, port, token)
        try:
            url = f"http://127.0.0.1:{port}"
            asyncio.run(wait_ready(url))
            asyncio.run(hammer(url, token, min(200, args.requests), args.concurrency))  # warm-up
            asyncio.run(hammer(url, token, args.requests, args.concurrency))
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main()
