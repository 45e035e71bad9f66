"""The adapter's Graph client against the local stand-in: the documented request and answer
shapes on both sides, each refusal in Graph's error form."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from services.adapters.whatsapp.graph import (
    GraphClient,
    GraphError,
    template_message,
    text_message,
)
from services.adapters.whatsapp.signature import is_signed
from services.local.whatsapp_graph import StandIn, create_app, send_statuses, status_webhook
from services.local.whatsapp_requests import Accepted

TOKEN, NUMBER_ID, TO = "EAAL-test", "1087", "6281234567890"
URL = f"http://graph.test/v24.0/{NUMBER_ID}/messages"


@pytest.fixture
def stand_in(tmp_path: Path) -> StandIn:
    templates = {("lapor_pembaruan_laporan", "id"): 1}
    return StandIn(tmp_path / "outbox", TOKEN, NUMBER_ID, templates=templates)


def graph(stand_in: StandIn, token: str = TOKEN, url: str = URL) -> GraphClient:
    transport = httpx.ASGITransport(app=create_app(stand_in))
    return GraphClient(url, token, httpx.AsyncClient(transport=transport))


async def test_an_accepted_text_answers_the_documented_shape_and_lands_in_the_outbox(
    stand_in: StandIn,
) -> None:
    wamid = await graph(stand_in).send(text_message(TO, "Laporan diterima"))
    assert wamid.startswith("wamid.")
    (stored,) = stand_in.outbox.glob("*.json")
    assert json.loads(stored.read_bytes()) == text_message(TO, "Laporan diterima")


def test_the_answer_names_the_contact_and_the_message(stand_in: StandIn) -> None:
    client = TestClient(create_app(stand_in))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    raw = json.dumps(text_message(TO, "Halo")).encode()
    answer = client.post(f"/v24.0/{NUMBER_ID}/messages", content=raw, headers=headers)
    body = answer.json()
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": TO, "wa_id": TO}]
    assert [set(m) for m in body["messages"]] == [{"id"}]
    (stored,) = stand_in.outbox.glob("*.json")
    assert stored.read_bytes() == raw  # as received, byte for byte


async def test_the_approved_template_with_its_parameter_is_accepted(stand_in: StandIn) -> None:
    message = template_message(TO, "lapor_pembaruan_laporan", "id", ["LPR-7K3M9Q"])
    assert (await graph(stand_in).send(message)).startswith("wamid.")


async def test_a_wrong_token_is_graphs_oauth_error_and_not_worth_retrying(
    stand_in: StandIn,
) -> None:
    with pytest.raises(GraphError) as refused:
        await graph(stand_in, token="salah").send(text_message(TO, "Halo"))
    assert (refused.value.code, refused.value.retryable) == (190, False)
    assert refused.value.detail.startswith("graph 401 (190)")
    assert list(stand_in.outbox.glob("*.json")) == []
    assert len(list((stand_in.outbox / "rejected").glob("*.json"))) == 1


async def test_an_unknown_template_is_132001(stand_in: StandIn) -> None:
    with pytest.raises(GraphError) as refused:
        await graph(stand_in).send(template_message(TO, "promo", "id", ["x"]))
    assert refused.value.code == 132001


async def test_a_template_with_the_wrong_number_of_parameters_is_132000(
    stand_in: StandIn,
) -> None:
    message = template_message(TO, "lapor_pembaruan_laporan", "id", [])
    with pytest.raises(GraphError) as refused:
        await graph(stand_in).send(message)
    assert refused.value.code == 132000


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"messaging_product": "sms"}, 100),
        ({"to": "budi"}, 100),
        ({"text": {"body": ""}}, 100),
        ({"text": {"body": "x" * 4097}}, 100),
        ({"type": "sticker"}, 100),
    ],
)
async def test_a_malformed_request_is_refused_as_the_graph_api_would(
    stand_in: StandIn, change: dict[str, object], expected: int
) -> None:
    with pytest.raises(GraphError) as refused:
        await graph(stand_in).send({**text_message(TO, "Halo"), **change})
    assert (refused.value.code, refused.value.retryable) == (expected, False)


async def test_another_business_number_is_refused(stand_in: StandIn) -> None:
    with pytest.raises(GraphError):
        await graph(stand_in, url="http://graph.test/v24.0/999/messages").send(
            text_message(TO, "Halo")
        )


async def test_meta_being_busy_is_worth_another_try() -> None:
    def busy(_: httpx.Request) -> httpx.Response:
        error = {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}
        return httpx.Response(400, json={"error": error})

    client = GraphClient(URL, TOKEN, httpx.AsyncClient(transport=httpx.MockTransport(busy)))
    with pytest.raises(GraphError) as refused:
        await client.send(text_message(TO, "Halo"))
    assert refused.value.retryable


def test_an_undeliverable_numbers_status_is_failed_with_the_documented_error(
    stand_in: StandIn,
) -> None:
    hook = status_webhook(stand_in, "wamid.X", TO, "failed")
    (status,) = hook["entry"][0]["changes"][0]["value"]["statuses"]
    assert (status["status"], status["errors"][0]["code"]) == ("failed", 131026)


async def test_status_webhooks_are_signed_for_the_adapter_and_sent_again_until_taken(
    stand_in: StandIn,
) -> None:
    stand_in.app_secret, stand_in.webhook_url = "rahasia", "http://adapter.test/webhook"
    stand_in.webhook_delay = 0
    seen: list[tuple[str, bool]] = []

    def adapter(request: httpx.Request) -> httpx.Response:
        signed = is_signed(request.content, request.headers["X-Hub-Signature-256"], "rahasia")
        status = json.loads(request.content)["entry"][0]["changes"][0]["value"]["statuses"][0]
        seen.append((status["status"], signed))
        return httpx.Response(503 if len(seen) == 1 else 200)  # the first one is too early

    client = httpx.AsyncClient(transport=httpx.MockTransport(adapter))
    await send_statuses(stand_in, "wamid.X", Accepted(TO, TO, "text"), client)
    assert seen == [("sent", True), ("sent", True), ("delivered", True)]
