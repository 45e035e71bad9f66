"""A consumer killed mid-fetch on the real broker and PostgreSQL: a fetch's partitions are
recorded in one worker call and one transaction, and after a restart nothing is lost and nothing
recorded is processed again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid

import pytest
from aiokafka import TopicPartition

from shared import topics
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.loop import BatchLoop
from tests.integration.conftest import Lane
from tests.integration.test_plumbing import ROOT, message, wait_for
from tests.kafka_helpers import produce
from tests.plumbing_app import NOTED_TOPIC, NoteTaker

pytestmark = pytest.mark.integration
COUNT = 600


def noted_ids(app: NoteTaker) -> set[str]:
    notes = app.recorder.select_notifications(0, 100_000, topics=[NOTED_TOPIC])
    return {app.mapper.to_domain_event(n).message_id for n in notes}  # type: ignore[attr-defined]


async def test_a_consumer_killed_mid_fetch_loses_nothing_and_redoes_nothing(
    kafka: str, lane: Lane, pg_env: dict[str, str]
) -> None:
    sent = [message(f"crash-{n}", f"laporan ke-{n}") for n in range(COUNT)]
    await produce(kafka, lane.inbound, [(m.key.encode(), codec.encode(m)) for m in sent])
    group = f"crash-{uuid.uuid4().hex[:8]}"
    app = NoteTaker(env=pg_env)
    args = ["-m", "tests.integration.consumer_worker", kafka, lane.inbound, group]
    env = {**os.environ, "PYTHONPATH": ROOT}
    worker = subprocess.Popen([sys.executable, *args, json.dumps(pg_env)], cwd=ROOT, env=env)
    try:
        await wait_for(lambda: app.note_count() >= 60, timeout=120)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    before = noted_ids(app)
    assert len(before) < COUNT, "the worker finished before the kill: the test proved nothing"
    again = NoteTaker(env=pg_env)
    handler = IdempotentConsumer(again, service="test", max_bytes=65536)
    loop = BatchLoop(handler, [lane.inbound], group_id=group, client={"bootstrap_servers": kafka},
                     client_id="again", max_records=30)  # fmt: skip
    await loop.start()
    stopping = asyncio.Event()
    running = asyncio.create_task(loop.run(stopping))
    try:
        await wait_for(lambda: again.note_count() == COUNT, timeout=120)
        ends = await loop.consumer.end_offsets(
            [TopicPartition(lane.inbound, p) for p in range(topics.PARTITIONS)]
        )
    finally:
        stopping.set()
        await running
    assert noted_ids(again) == {f"crash-{n}" for n in range(COUNT)}  # nothing lost
    assert not set(again.tries) & {f"laporan ke-{i.split('-')[1]}" for i in before}  # no redo
    positions = {tp.partition: again.position(f"{lane.inbound}:{tp.partition}") for tp in ends}
    assert positions == {tp.partition: end or None for tp, end in ends.items()}
    assert again.recorder.max_notification_id() == COUNT  # no dead letter, no second note
