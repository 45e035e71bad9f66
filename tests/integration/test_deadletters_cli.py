"""`lapor deadletters list|replay` on the real broker, against dead letters a service wrote."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from services.cli.main import app as cli
from shared import topics
from shared.runtime import build_app
from tests.integration.conftest import Lane
from tests.integration.test_plumbing import spec_for
from tests.kafka_helpers import header, produce, read_topic
from tests.plumbing_app import NoteTaker

pytestmark = pytest.mark.integration


def lapor(*args: str) -> str:
    """The command as an operator types it (in this process: no interpreter start-up)."""
    answer = CliRunner().invoke(cli, list(args))
    assert answer.exit_code == 0, answer.output
    return str(answer.stdout)


async def serve_until_dead_lettered(kafka: str, lane: Lane, count: int) -> None:
    """Run the plumbing service until `count` records of the lane are dead-lettered."""
    app = NoteTaker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    service = build_app(spec_for(kafka, lane, app, max_bytes=65536))
    async with service.router.lifespan_context(service):
        await read_topic(
            kafka,
            topics.DEADLETTER,
            until=lambda found: len(found) >= count,
            where=lambda r: header(r, "lapor.dlq.source.topic") == lane.inbound,
        )


def test_operators_list_dead_letters_by_filter_and_replay_them_to_their_source(
    kafka: str, lane: Lane
) -> None:
    key = b"sms:cli"
    bad = [b"\xffbukan json", b'{"event_type": 3}', b"[1]", b"tolak"]
    headers = [[("x-origin", b"adapter-7")], [], [], []]
    asyncio.run(produce(kafka, lane.inbound, [(key, value) for value in bad], headers=headers))
    asyncio.run(serve_until_dead_lettered(kafka, lane, len(bad)))
    listed = lapor("deadletters", "list", "--topic", lane.inbound, "--bootstrap", kafka)
    assert len(listed.splitlines()) == 4
    assert all(line.startswith(f"{lane.inbound}:") for line in listed.splitlines())
    as_json = lapor(
        "deadletters", "list", "--topic", lane.inbound, "--reason", "not-json", "--json",
        "--bootstrap", kafka,
    )  # fmt: skip
    [first, second] = [json.loads(line) for line in as_json.splitlines()]
    assert first["service"] == "plumbing-test" and first["value"] == {"base64": "/2J1a2FuIGpzb24="}
    assert first["headers"] == {"x-origin": "adapter-7"}
    assert second["value"] == "tolak" and first["source_offset"] < second["source_offset"]
    chosen = f"{lane.inbound}:{first['source_partition']}:{first['source_offset']}"
    replayed = lapor("deadletters", "replay", "--record", chosen, "--bootstrap", kafka)
    assert replayed.strip() == "replayed 1 record(s)"
    inbound = asyncio.run(read_topic(kafka, lane.inbound, until=lambda found: len(found) >= 5))
    again = inbound[-1]
    assert (again.key, again.value) == (key, b"\xffbukan json")
    assert list(again.headers) == [("x-origin", b"adapter-7")]  # no lapor.dlq.* headers
