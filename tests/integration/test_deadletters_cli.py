"""`lapor deadletters list|replay` on the real broker, against dead letters a service wrote."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest

from shared import topics
from shared.runtime import build_app
from tests.integration.conftest import Lane
from tests.integration.test_plumbing import ROOT, spec_for
from tests.kafka_helpers import header, produce, read_topic
from tests.plumbing_app import NoteTaker

pytestmark = pytest.mark.integration


async def lapor(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
    env["PYTHONPATH"] = ROOT
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, errors = await process.communicate()
    assert process.returncode == 0, errors.decode()
    return out.decode()


async def test_operators_list_dead_letters_by_filter_and_replay_them_to_their_source(
    kafka: str, lane: Lane
) -> None:
    app = NoteTaker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    key = b"sms:cli"
    bad = [b"\xffbukan json", b'{"event_type": 3}', b"[1]"]
    await produce(
        kafka,
        lane.inbound,
        [(key, value) for value in bad] + [(key, b"tolak")],
        headers=[[("x-origin", b"adapter-7")], [], [], []],
    )
    service = build_app(spec_for(kafka, lane, app, max_bytes=65536))
    async with service.router.lifespan_context(service):
        await read_topic(
            kafka,
            topics.DEADLETTER,
            until=lambda found: len(found) >= 4,
            where=lambda r: header(r, "lapor.dlq.source.topic") == lane.inbound,
        )
    listed = await lapor("deadletters", "list", "--topic", lane.inbound, "--bootstrap", kafka)
    assert len(listed.splitlines()) == 4
    assert all(line.startswith(f"{lane.inbound}:") for line in listed.splitlines())
    as_json = await lapor(
        "deadletters", "list", "--topic", lane.inbound, "--reason", "not-json", "--json",
        "--bootstrap", kafka,
    )  # fmt: skip
    [first, second] = [json.loads(line) for line in as_json.splitlines()]
    assert first["service"] == "plumbing-test" and first["value"] == {"base64": "/2J1a2FuIGpzb24="}
    assert first["headers"] == {"x-origin": "adapter-7"}
    assert second["value"] == "tolak" and first["source_offset"] < second["source_offset"]
    partition = first["source_partition"]
    chosen = f"{lane.inbound}:{partition}:{first['source_offset']}"
    replayed = await lapor("deadletters", "replay", "--record", chosen, "--bootstrap", kafka)
    assert replayed.strip() == "replayed 1 record(s)"
    inbound = await read_topic(kafka, lane.inbound, until=lambda found: len(found) >= 5)
    again = inbound[-1]
    assert (again.key, again.value) == (key, b"\xffbukan json")
    assert list(again.headers) == [("x-origin", b"adapter-7")]  # no lapor.dlq.* headers
