"""The webhook: Meta's verification, the signature, what each kind of item becomes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from whatsapp_fakes import NOW, NUMBER, SECRET, Producer, message_webhook, status_webhook

from services.adapters.whatsapp.app import Running, create_app
from services.adapters.whatsapp.inbound import Inbox
from services.adapters.whatsapp.settings import WhatsAppAdapterSettings
from services.adapters.whatsapp.signature import sign
from services.adapters.whatsapp.store import Sent, WhatsAppStore
from shared import topics
from shared.clock import Clock, FixedClock

VERIFY = "verify-token-for-tests"


@dataclass
class Webhook:
    client: TestClient
    producer: Producer

    def post(self, body: bytes, signature: str | None = None) -> httpx.Response:
        headers = {"X-Hub-Signature-256": signature or sign(body, SECRET)}
        return self.client.post("/webhook", content=body, headers=headers)


@pytest.fixture
def webhook(store: WhatsAppStore, clock: FixedClock) -> Iterator[Webhook]:
    producer = Producer()

    @contextlib.asynccontextmanager
    async def connect(_: object, running: Running, used: Clock) -> AsyncIterator[None]:
        running.inbox = Inbox(producer, store, used, timedelta(minutes=5))
        yield

    settings = WhatsAppAdapterSettings(app_secret=SECRET, verify_token=VERIFY)
    with TestClient(create_app(settings, connect=connect, clock=clock)) as client:
        yield Webhook(client, producer)


def test_meta_verification_gets_the_challenge_back_as_plain_text(webhook: Webhook) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    answer = webhook.client.get("/webhook", params=query)
    assert (answer.status_code, answer.text) == (200, "1158201444")
    assert answer.headers["content-type"].startswith("text/plain")


def test_a_wrong_verify_token_is_refused(webhook: Webhook) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "1"}
    assert webhook.client.get("/webhook", params=query).status_code == 403


def test_a_wrong_signature_gets_401_and_publishes_nothing(webhook: Webhook) -> None:
    body = message_webhook("wamid.A1")
    assert webhook.post(body, sign(body, "another-secret")).status_code == 401
    assert webhook.client.post("/webhook", content=body).status_code == 401
    assert webhook.producer.sent == []


def test_a_signed_text_becomes_an_intake_message_of_the_whatsapp_channel(
    webhook: Webhook,
) -> None:
    answer = webhook.post(message_webhook("wamid.A2", "LAPOR#Kuin Utara#Pipa PDAM bocor"))
    assert answer.status_code == 200
    assert answer.json()["published"] == ["wamid.A2"]
    ((topic, key, _),) = webhook.producer.sent
    (message,) = webhook.producer.on(topics.INTAKE)
    assert (topic, key) == (topics.INTAKE, b"whatsapp:wamid.A2")
    assert (message["channel"], message["message_id"]) == ("whatsapp", "wamid.A2")
    assert message["text"] == "LAPOR#Kuin Utara#Pipa PDAM bocor"
    assert message["reporter"]["phone"] == f"+{NUMBER}"


def test_an_unknown_message_type_is_acknowledged_refused_and_not_published(
    webhook: Webhook,
) -> None:
    body = message_webhook("wamid.A3", kind="sticker", id="5", mime_type="image/webp")
    answer = webhook.post(body)
    assert answer.status_code == 200
    assert answer.json()["refused"] == [
        {"id": "wamid.A3", "reason": "jenis pesan 'sticker' tidak didukung"}
    ]
    assert webhook.producer.sent == []


def test_an_image_is_acknowledged_and_its_caption_kept_as_the_text(webhook: Webhook) -> None:
    body = message_webhook("wamid.A4", kind="image", caption="Sampah menumpuk", id="77")
    assert webhook.post(body).status_code == 200
    (message,) = webhook.producer.on(topics.INTAKE)
    assert message["text"] == "Sampah menumpuk"


def test_a_text_longer_than_a_report_is_refused_by_name(webhook: Webhook) -> None:
    answer = webhook.post(message_webhook("wamid.A5", "x" * 10_000))
    assert answer.json()["refused"][0]["reason"].endswith("(text)")
    assert webhook.producer.sent == []


def test_a_body_that_is_not_a_webhook_is_400(webhook: Webhook) -> None:
    assert webhook.post(b'{"object": "page"}').status_code == 400
    assert webhook.post(b"\xff\xfe").status_code == 400


def test_a_status_of_a_sent_message_becomes_a_delivery_report(
    webhook: Webhook, store: WhatsAppStore
) -> None:
    notification = uuid4()
    store.record_sent(Sent("wamid.S1", notification, 2, "text"), NOW)
    assert webhook.post(status_webhook("wamid.S1", "delivered")).json()["reported"] == 1
    (report,) = webhook.producer.on(topics.DELIVERY)
    assert report["notification_id"] == str(notification)
    assert (report["status"], report["gateway_status"], report["attempt"]) == (
        "delivered",
        "delivered",
        2,
    )


def test_a_repeated_status_is_the_same_event(webhook: Webhook, store: WhatsAppStore) -> None:
    store.record_sent(Sent("wamid.S2", uuid4(), 1, "text"), NOW)
    webhook.post(status_webhook("wamid.S2", "read"))
    webhook.post(status_webhook("wamid.S2", "read"))
    first, second = webhook.producer.on(topics.DELIVERY)
    assert first["event_id"] == second["event_id"]
    assert (first["status"], first["gateway_status"]) == ("delivered", "read")


def test_a_failed_status_carries_whatsapps_error(webhook: Webhook, store: WhatsAppStore) -> None:
    store.record_sent(Sent("wamid.S3", uuid4(), 1, "text"), NOW)
    error = {"code": 131026, "title": "Message undeliverable"}
    webhook.post(status_webhook("wamid.S3", "failed", errors=[error]))
    (report,) = webhook.producer.on(topics.DELIVERY)
    assert (report["status"], report["detail"]) == ("failed", "131026 Message undeliverable")
    assert report["final"] is True  # no WhatsApp on that number: retrying cannot help


def test_a_failed_status_with_a_passing_error_is_not_final(
    webhook: Webhook, store: WhatsAppStore
) -> None:
    store.record_sent(Sent("wamid.S4", uuid4(), 1, "text"), NOW)
    error = {"code": 131000, "title": "Something went wrong"}
    webhook.post(status_webhook("wamid.S4", "failed", errors=[error]))
    (report,) = webhook.producer.on(topics.DELIVERY)
    assert (report["status"], report["final"]) == ("failed", False)


def test_a_status_ahead_of_the_sends_answer_is_asked_again(webhook: Webhook) -> None:
    assert webhook.post(status_webhook("wamid.NEW", "sent")).status_code == 503
    assert webhook.producer.sent == []


def test_an_old_status_of_a_message_not_sent_here_is_ignored(webhook: Webhook) -> None:
    old = status_webhook("wamid.OTHER", "sent", at=NOW - timedelta(hours=1))
    answer = webhook.post(old)
    assert (answer.status_code, answer.json()["ignored"]) == (200, 1)
    assert webhook.producer.sent == []


def test_an_unreachable_store_is_503_so_meta_sends_again(
    webhook: Webhook, store: WhatsAppStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def away(*_: object) -> None:
        raise OperationalError("UPDATE", {}, Exception("database is away"))

    monkeypatch.setattr(store, "saw_contact", away)
    assert webhook.post(message_webhook("wamid.A9")).status_code == 503
    assert webhook.producer.sent == []


def test_without_an_app_secret_no_webhook_is_taken(store: WhatsAppStore, clock: FixedClock) -> None:
    @contextlib.asynccontextmanager
    async def connect(_: object, running: Running, used: Clock) -> AsyncIterator[None]:
        running.inbox = Inbox(Producer(), store, used, timedelta(minutes=5))
        yield

    app = create_app(WhatsAppAdapterSettings(), connect=connect, clock=clock)
    body = message_webhook("wamid.B1")
    with TestClient(app) as client:
        for signature in (sign(body, ""), "sha256=", ""):
            headers = {"X-Hub-Signature-256": signature}
            assert client.post("/webhook", content=body, headers=headers).status_code == 401
