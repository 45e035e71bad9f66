"""What one offset commit costs the consumer's process (the loop committed after every fetch).

    .venv/bin/python -m bench.commit_cost [--commits 1000]

Prints JSON: this process's CPU microseconds per `AIOKafkaConsumer.commit` of one partition and
of six, on the real broker (started unless `LAPOR_KAFKA_BOOTSTRAP_SERVERS` is set). The broker's
own CPU is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from services.local.infra import LocalKafka
from shared import topics
from shared.messaging.admin import ensure_topics


async def commits(kafka: str, count: int) -> dict[str, Any]:
    topic = f"lapor.bench.{uuid.uuid4().hex[:8]}.commit.v1"
    await ensure_topics(kafka, [topic])
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka, group_id=f"bench-{topic}", enable_auto_commit=False
    )
    consumer.subscribe([topic])
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        found: dict[str, Any] = {"commits": count}
        for partitions in (1, topics.PARTITIONS):
            tps = [TopicPartition(topic, p) for p in range(partitions)]
            cpu = time.process_time()
            for n in range(count):
                await consumer.commit({tp: OffsetAndMetadata(n, "") for tp in tps})
            per = 1e6 * (time.process_time() - cpu) / count
            found[f"cpu_us_per_commit_of_{partitions}_partitions"] = round(per, 1)
    finally:
        await consumer.stop()
    return {**found, "load_average": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=1000)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        kafka = os.environ.get("LAPOR_KAFKA_BOOTSTRAP_SERVERS")
        kafka = kafka or stack.enter_context(LocalKafka()).bootstrap_servers
        print(json.dumps(asyncio.run(commits(kafka, args.commits)), indent=1))


if __name__ == "__main__":
    main()
