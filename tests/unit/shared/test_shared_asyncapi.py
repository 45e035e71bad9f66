"""The served AsyncAPI document shows every payload, while subscribers still take raw records."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from faststream.kafka import TestKafkaBroker

from intake.bootstrap import bootstrap as intake
from notification.bootstrap import bootstrap as notification
from routing.bootstrap import bootstrap as routing
from shared import topics
from shared.messaging import codec
from shared.messaging.deadletter import outgoing_dead_letter
from shared.runtime import (
    ServiceSpec,
    Subscription,
    asyncapi_document,
    build_app,
    build_broker,
    consumer_for,
)
from tracking.bootstrap import bootstrap as tracking

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
BOOTSTRAPS: dict[str, Callable[..., ServiceSpec]] = {
    "intake": intake,
    "routing": routing,
    "tracking": tracking,
    "notification": notification,
}


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAPOR_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("LAPOR_DATABASE_URL", raising=False)


def served(service: str) -> dict[str, Any]:
    """The document as an integrator reads it: GET /asyncapi.json of the real application."""
    app = build_app(BOOTSTRAPS[service](env=POPO))
    response = TestClient(app).get("/asyncapi.json")  # no lifespan: nothing connects
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def resolve(document: dict[str, Any], ref: str) -> Any:
    """The node a `$ref` points at, following references to references."""
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return resolve(document, node["$ref"]) if "$ref" in node else node


def received(document: dict[str, Any], address: str) -> dict[str, dict[str, Any]]:
    """Payload schema by message name of the channel a service receives from `address`."""
    for operation in document["operations"].values():
        channel = resolve(document, operation["channel"]["$ref"])
        if operation["action"] == "receive" and channel["address"] == address:
            messages = [resolve(document, m["$ref"]) for m in operation["messages"]]
            return {m["name"]: resolve(document, m["payload"]["$ref"]) for m in messages}
    raise AssertionError(f"no receive operation on {address}")


def test_tracking_documents_every_skpd_action_with_its_fields() -> None:
    document = served("tracking")
    actions = received(document, topics.skpd_actions_topic("PDAM"))
    assert set(actions) == {
        e.event_type for e in codec.events_for(topics.skpd_actions_topic("PDAM")).values()
    }
    follow_up = actions["PostFollowUp"]
    assert {"event_type", "skpd_code", "tracking_id", "report_id", "text"} <= set(
        follow_up["properties"]
    )
    assert {"skpd_code", "text", "event_type"} <= set(follow_up["required"])
    assert follow_up["properties"]["event_type"]["const"] == "PostFollowUp"
    assert follow_up["properties"]["text"]["maxLength"] == 4000
    assert follow_up["properties"]["text"]["x-lapor-text"]["maxBytes"] == 12000
    assert "reason" in actions["RejectNotCompetent"]["properties"]


@pytest.mark.parametrize("service", sorted(BOOTSTRAPS))
def test_every_received_topic_shows_each_contract_event_and_no_empty_payload(
    service: str,
) -> None:
    document = served(service)
    receiving = [o for o in document["operations"].values() if o["action"] == "receive"]
    assert receiving
    for operation in receiving:
        address = resolve(document, operation["channel"]["$ref"])["address"]
        payloads = received(document, address)
        assert set(payloads) == set(codec.events_for(address)), address
        assert all(p["properties"] for p in payloads.values())
    assert "EmptyPayload" not in json.dumps(document)


def test_published_events_keep_their_schema_with_type_and_version() -> None:
    document = served("tracking")
    sent = [o for o in document["operations"].values() if o["action"] == "send"]
    assert len(sent) >= 10
    for operation in sent:
        [message] = [resolve(document, m["$ref"]) for m in operation["messages"]]
        payload = resolve(document, message["payload"]["$ref"])
        assert payload["properties"]["event_type"]["const"] == payload["title"]


def test_a_topic_without_a_contract_keeps_what_faststream_wrote() -> None:
    spec = tracking(env=POPO)
    odd = dataclasses.replace(
        spec, subscriptions=[Subscription("odd", ["odd.v1"], spec.application)]
    )
    document = asyncapi_document(odd, build_broker(odd, lambda sub: consumer_for(odd, sub)))
    [operation] = [o for o in document["operations"].values() if o["action"] == "receive"]
    [message] = [resolve(document, m["$ref"]) for m in operation["messages"]]
    assert message["payload"] == {"$ref": "#/components/schemas/EmptyPayload"}
    assert "EmptyPayload" in document["components"]["schemas"]
    spec.application.close()


async def test_a_bad_action_still_reaches_the_consumer_raw_and_is_dead_lettered_as_sent() -> None:
    spec = tracking(env=POPO)
    broker = build_broker(spec, lambda sub: consumer_for(spec, sub))
    bad = b'{"event_type":"PostFollowUp","skpd_code":"PDAM","text":7}'
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(bad, topic=topics.skpd_actions_topic("PDAM"), key=b"k")
    stored = spec.application.recorder.select_notifications(start=1, limit=100)
    letters = [
        letter
        for n in stored
        if (letter := outgoing_dead_letter(spec.application.mapper.to_domain_event(n)))
    ]
    [letter] = letters
    assert (letter.topic, letter.value, letter.key) == (topics.DEADLETTER, bad, b"k")
    assert dict(letter.headers)["lapor.dlq.reason"] == b"invalid-fields"
    spec.application.close()
