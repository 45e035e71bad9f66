"""Runs an outbox relay in its own process, so a test can SIGKILL it mid-flight."""

from __future__ import annotations

import asyncio
import json
import sys

from aiokafka import AIOKafkaProducer

from shared.messaging.relay import OutboxRelay
from tests.plumbing_app import NoteTaker, translator


async def main(bootstrap: str, out_topic: str, env: dict[str, str]) -> None:
    app = NoteTaker(env=env)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    relay = OutboxRelay(app, producer, translator(out_topic), batch_size=5)
    print("started", flush=True)
    await relay.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
