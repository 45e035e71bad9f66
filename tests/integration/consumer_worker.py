"""Runs a batch consumer in its own process, so a test can SIGKILL it mid-fetch."""

from __future__ import annotations

import asyncio
import json
import sys

from shared.contracts import IntakeMessage
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.loop import BatchLoop
from tests.plumbing_app import NoteTaker


async def main(bootstrap: str, topic: str, group: str, env: dict[str, str]) -> None:
    codec.register_topic(topic, (IntakeMessage,))
    handler = IdempotentConsumer(NoteTaker(env=env), service="worker", max_bytes=65536)
    client = {"bootstrap_servers": bootstrap}
    loop = BatchLoop(handler, [topic], group_id=group, client=client, client_id="worker",
                     max_records=30)  # fmt: skip
    await loop.start()
    print("started", flush=True)
    await loop.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])))
