"""Delivering outbound messages: free text inside the customer-service window, the template
outside it, once per try, every refusal a failed report."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from whatsapp_fakes import NOW, NUMBER, Graph, Vault

from services.adapters.common.vault import Contact, VaultRefused, VaultUnavailable
from services.adapters.whatsapp.adapter import Template, WhatsAppAdapter
from services.adapters.whatsapp.graph import GraphError
from services.adapters.whatsapp.store import WhatsAppStore
from shared.clock import FixedClock
from shared.contracts import Channel, GatewayStatus, OutboundMessage, Recipient
from shared.contracts.outbound import STATUS_LINK_MARK

LINK = "https://lapor.banjarmasinkota.go.id/s/rahasia"
TEMPLATE = Template("lapor_pembaruan_laporan", "id")


def outbound(attempt: int = 1) -> OutboundMessage:
    return OutboundMessage(
        occurred_at=NOW,
        report_id=uuid4(),
        tracking_id="LPR-7K3M9Q",
        notification_id=uuid4(),
        channel=Channel.WHATSAPP,
        recipient=Recipient(reporter_ref="ref-1"),
        subject="Laporan diterima",
        text=f"Laporan LPR-7K3M9Q diterima. Status: {STATUS_LINK_MARK}",
        template="received",
        attempt=attempt,
    )


def adapter(
    store: WhatsAppStore, clock: FixedClock, graph: Graph, vault: Vault | None = None
) -> WhatsAppAdapter:
    vault = vault or Vault(Contact(f"+{NUMBER}", LINK))
    return WhatsAppAdapter(vault, graph, store, clock, TEMPLATE, vault_backoff=0)


async def test_inside_the_window_the_reply_is_free_text_with_the_status_link(
    store: WhatsAppStore, clock: FixedClock
) -> None:
    store.saw_contact(NUMBER, NOW - timedelta(hours=23))
    graph = Graph()
    report = await adapter(store, clock, graph).deliver(outbound())
    (body,) = graph.bodies
    assert (body["messaging_product"], body["to"], body["type"]) == ("whatsapp", NUMBER, "text")
    assert body["text"]["body"] == f"Laporan LPR-7K3M9Q diterima. Status: {LINK}"
    assert report.gateway_status == GatewayStatus.ACCEPTED
    assert report.detail == "text wamid.TEST1"


async def test_outside_the_window_the_approved_template_carries_the_tracking_id(
    store: WhatsAppStore, clock: FixedClock
) -> None:
    store.saw_contact(NUMBER, NOW - timedelta(hours=25))
    graph = Graph()
    await adapter(store, clock, graph).deliver(outbound())
    (body,) = graph.bodies
    assert body["type"] == "template"
    assert body["template"] == {
        "name": "lapor_pembaruan_laporan",
        "language": {"code": "id"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "LPR-7K3M9Q"}]}],
    }


async def test_a_contact_who_never_wrote_gets_the_template(
    store: WhatsAppStore, clock: FixedClock
) -> None:
    graph = Graph()
    await adapter(store, clock, graph).deliver(outbound())
    assert graph.bodies[0]["type"] == "template"


async def test_whatsapps_re_engagement_refusal_falls_back_to_the_template(
    store: WhatsAppStore, clock: FixedClock
) -> None:
    store.saw_contact(NUMBER, NOW - timedelta(hours=1))
    graph = Graph(GraphError("graph 400 (131047): re-engagement", retryable=False, code=131047))
    report = await adapter(store, clock, graph).deliver(outbound())
    assert [b["type"] for b in graph.bodies] == ["text", "template"]
    assert report.gateway_status == GatewayStatus.ACCEPTED


async def test_the_same_try_twice_is_sent_once(store: WhatsAppStore, clock: FixedClock) -> None:
    graph = Graph()
    message = outbound()
    first = await adapter(store, clock, graph).deliver(message)
    again = await adapter(store, clock, graph).deliver(message)
    assert len(graph.bodies) == 1
    assert first.detail == again.detail
    assert store.by_wamid("wamid.TEST1") is not None


async def test_a_retry_is_a_new_try(store: WhatsAppStore, clock: FixedClock) -> None:
    graph = Graph()
    first = outbound()
    await adapter(store, clock, graph).deliver(first)
    await adapter(store, clock, graph).deliver(first.model_copy(update={"attempt": 2}))
    assert len(graph.bodies) == 2


@pytest.mark.parametrize("refusal", ["vault 403 opted-out", "vault 403 daily-cap", "vault 410"])
async def test_a_vault_refusal_is_a_failed_report_without_sending(
    store: WhatsAppStore, clock: FixedClock, refusal: str
) -> None:
    graph = Graph()
    vault = Vault(VaultRefused(refusal))
    report = await adapter(store, clock, graph, vault).deliver(outbound())
    assert graph.bodies == [] and vault.asked == 1
    assert report.gateway_status == GatewayStatus.FAILED
    assert refusal in report.detail and report.final


async def test_an_unreachable_vault_is_asked_again_then_reported(
    store: WhatsAppStore, clock: FixedClock
) -> None:
    vault = Vault(VaultUnavailable("vault answered 503"))
    report = await adapter(store, clock, Graph(), vault).deliver(outbound())
    assert vault.asked == 5
    assert report.gateway_status == GatewayStatus.FAILED and not report.final


async def test_a_graph_error_is_failed_with_its_detail_and_says_whether_it_passes(
    store: WhatsAppStore, clock: FixedClock
) -> None:
    limited = GraphError("graph 400 (130429): Rate limit hit", retryable=True, code=130429)
    report = await adapter(store, clock, Graph(limited)).deliver(outbound())
    assert report.gateway_status == GatewayStatus.FAILED
    assert report.detail == "graph 400 (130429): Rate limit hit (sementara; dicoba lagi)"
    assert not report.final


@pytest.mark.parametrize(("code", "final"), [(131026, True), (131021, True), (132001, False)])
async def test_only_an_undeliverable_recipient_is_a_final_graph_failure(
    store: WhatsAppStore, clock: FixedClock, code: int, final: bool
) -> None:
    refused = GraphError(f"graph 400 ({code}): refused", retryable=False, code=code)
    report = await adapter(store, clock, Graph(refused)).deliver(outbound())
    assert (report.gateway_status, report.final) == (GatewayStatus.FAILED, final)


async def test_a_number_in_a_graph_error_is_not_repeated(
    store: WhatsAppStore, clock: FixedClock
) -> None:
    said = GraphError(f"graph 400 (131026): {NUMBER} not on WhatsApp", retryable=False)
    report = await adapter(store, clock, Graph(said)).deliver(outbound())
    assert NUMBER not in report.detail
