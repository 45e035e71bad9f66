"""The served AsyncAPI document shows every payload, while subscribers still take raw records."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
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


@dataclasses.dataclass
class Served:
    """Each service built once through its real bootstrap, and the document it serves."""

    specs: dict[str, ServiceSpec]
    documents: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAPOR_STATE_DIR", str(tmp_path_factory.mktemp("asyncapi")))
        patch.delenv("LAPOR_DATABASE_URL", raising=False)
        specs = {name: bootstrap(env=POPO) for name, bootstrap in BOOTSTRAPS.items()}
    documents = {}
    for name, spec in specs.items():
        response = TestClient(build_app(spec)).get("/asyncapi.json")  # no lifespan: no broker
        assert response.status_code == 200
        documents[name] = response.json()
    yield Served(specs, documents)
    for spec in specs.values():
        spec.application.close()


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


def test_tracking_documents_every_skpd_action_with_its_fields(served: Served) -> None:
    document = served.documents["tracking"]
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
    service: str, served: Served
) -> None:
    document = served.documents[service]
    receiving = [o for o in document["operations"].values() if o["action"] == "receive"]
    assert receiving
    for operation in receiving:
        address = resolve(document, operation["channel"]["$ref"])["address"]
        payloads = received(document, address)
        assert set(payloads) == set(codec.events_for(address)), address
        assert all(p["properties"] for p in payloads.values())
    assert "EmptyPayload" not in json.dumps(document)


def test_published_events_keep_their_schema_with_type_and_version(served: Served) -> None:
    document = served.documents["tracking"]
    sent = [o for o in document["operations"].values() if o["action"] == "send"]
    assert len(sent) >= 10
    for operation in sent:
        [message] = [resolve(document, m["$ref"]) for m in operation["messages"]]
        payload = resolve(document, message["payload"]["$ref"])
        assert payload["properties"]["event_type"]["const"] == payload["title"]


def test_a_topic_without_a_contract_keeps_what_faststream_wrote(served: Served) -> None:
    spec = served.specs["tracking"]
    odd = dataclasses.replace(
        spec, subscriptions=[Subscription("odd", ["odd.v1"], spec.application)]
    )
    document = asyncapi_document(odd, build_broker(odd, lambda sub: consumer_for(odd, sub)))
    [operation] = [o for o in document["operations"].values() if o["action"] == "receive"]
    [message] = [resolve(document, m["$ref"]) for m in operation["messages"]]
    assert message["payload"] == {"$ref": "#/components/schemas/EmptyPayload"}
    assert "EmptyPayload" in document["components"]["schemas"]


async def test_a_bad_action_still_reaches_the_consumer_raw_and_is_dead_lettered_as_sent(
    served: Served,
) -> None:
    spec = served.specs["tracking"]
    broker = build_broker(spec, lambda sub: consumer_for(spec, sub))
    bad = b'{"event_type":"PostFollowUp","skpd_code":"PDAM","text":7}'
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(bad, topic=topics.skpd_actions_topic("PDAM"), key=b"k")
    stored = spec.application.recorder.select_notifications(start=1, limit=1000)
    letters = [
        letter
        for n in stored
        if (letter := outgoing_dead_letter(spec.application.mapper.to_domain_event(n)))
        and letter.value == bad
    ]
    [letter] = letters
    assert (letter.topic, letter.value, letter.key) == (topics.DEADLETTER, bad, b"k")
    assert dict(letter.headers)["lapor.dlq.reason"] == b"invalid-fields"
