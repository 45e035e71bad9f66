"""WhatsApp reporters on the real stack: the adapter and the Cloud API stand-in as processes
beside the four services, on the real broker and PostgreSQL. Webhooks are signed here with the
app secret, as Meta signs them."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.adapters.whatsapp.signature import sign
from shared import topics
from tests.e2e.conftest import System, spawn, wait_ready
from tests.e2e.test_notification_email import audit
from tests.e2e.test_report_path import poll, public_status
from tests.infra import free_ports
from tests.photos import metadata_of, phone_jpeg

pytestmark = pytest.mark.e2e

SECRET = f"e2e-app-secret-{random.getrandbits(32):08x}"
ACCESS_TOKEN = "EAAL-e2e-token"
PHONE_NUMBER_ID = "108000000001708"
VERIFY = "e2e-verify"
UNDELIVERABLE = "628990000001"
WATER = "Air PDAM mati sejak kemarin di Jl. Sultan Adam, mohon segera diperbaiki"


@dataclass
class WhatsApp:
    """The adapter's URL and the stand-in's outbox."""

    url: str
    outbox: Path
    graph: str = ""

    def post(self, body: bytes, secret: str = SECRET) -> httpx.Response:
        headers = {"X-Hub-Signature-256": sign(body, secret), "Content-Type": "application/json"}
        return httpx.post(f"{self.url}/webhook", content=body, headers=headers, timeout=30)

    def sent_to(self, number: str) -> list[dict[str, Any]]:
        bodies = [json.loads(f.read_bytes()) for f in sorted(self.outbox.glob("*.json"))]
        return [b for b in bodies if b.get("to") == number]

    def wait(self, number: str, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        return poll(lambda: next((b for b in self.sent_to(number) if wanted(b)), None), 90)


@pytest.fixture(scope="module")
def whatsapp(system: System) -> Iterator[WhatsApp]:
    """`lapor whatsapp-graph` and `lapor serve whatsapp-adapter`, pointed at each other."""
    graph_port, adapter_port = free_ports(2)
    url = f"http://127.0.0.1:{adapter_port}"
    outbox = system.folder / "whatsapp-outbox"
    secrets = {
        "LAPOR_WHATSAPP_APP_SECRET": SECRET,
        "LAPOR_WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "LAPOR_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
    }
    graph_args = ["whatsapp-graph", "--port", str(graph_port), "--outbox", str(outbox)]
    graph_args += ["--webhook-url", f"{url}/webhook", "--undeliverable", UNDELIVERABLE]
    graph = spawn(system, "whatsapp-graph", graph_args, secrets)
    adapter = spawn(
        system,
        "whatsapp-adapter",
        ["serve", "whatsapp-adapter"],
        {
            **secrets,
            "LAPOR_KAFKA_BOOTSTRAP_SERVERS": system.kafka,
            "LAPOR_DATABASE_URL": system.database_url,
            "LAPOR_INSTANCE": system.prefix,
            "LAPOR_STATE_DIR": str(system.folder),
            "LAPOR_WHATSAPP_PORT": str(adapter_port),
            "LAPOR_WHATSAPP_VERIFY_TOKEN": VERIFY,
            "LAPOR_WHATSAPP_GRAPH_URL": f"http://127.0.0.1:{graph_port}",
            "LAPOR_WHATSAPP_INTAKE_URL": system.url("intake"),
            "LAPOR_WHATSAPP_VAULT_TOKEN": system.tokens["adapter"],
        },
    )
    try:
        wait_ready(f"http://127.0.0.1:{graph_port}", graph)
        wait_ready(url, adapter)
        yield WhatsApp(url, outbox, f"http://127.0.0.1:{graph_port}")
    finally:
        for process in (adapter, graph):
            process.terminate()
            process.wait(30)


def new_number() -> str:
    return "62812" + "".join(random.choices("0123456789", k=7))


def new_wamid() -> str:
    return f"wamid.E2E{random.getrandbits(64):016x}"


def message_webhook(
    wamid: str, sender: str, text: str, at: datetime | None = None, image: str = ""
) -> bytes:
    """A citizen's text message (or an image of that caption) in Meta's documented envelope."""
    stamp = str(int((at or datetime.now(UTC)).timestamp()))
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "628115001708", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Budi Santoso"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": wamid,
                "timestamp": stamp,
                "type": "image" if image else "text",
                **(
                    {"image": {"id": image, "mime_type": "image/jpeg", "caption": text}}
                    if image
                    else {"text": {"body": text}}
                ),
            }
        ],
    }
    hook = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "0", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(hook).encode()


def tracking_id_of(system: System, wamid: str) -> str:
    """What intake made of the message (its tracking id), once it has."""

    def fetch() -> str | None:
        answer = httpx.get(
            f"{system.url('intake')}/v1/intake/whatsapp/{wamid}",
            headers=system.auth("adapter"),
            timeout=10,
        )
        return answer.json().get("tracking_id") if answer.status_code == 200 else None

    return str(poll(fetch, 90))


def test_a_signed_message_becomes_a_report_answered_on_whatsapp_and_reported_delivered(
    system: System, whatsapp: WhatsApp
) -> None:
    number, wamid = new_number(), new_wamid()
    body = message_webhook(wamid, number, WATER)
    first, replayed = whatsapp.post(body), whatsapp.post(body)
    assert (first.status_code, first.json()["published"]) == (200, [wamid])
    assert replayed.status_code == 200
    tracking_id = tracking_id_of(system, wamid)
    public_status(system, tracking_id, "PDAM")

    received = whatsapp.wait(number, lambda b: tracking_id in json.dumps(b))
    assert (received["messaging_product"], received["type"]) == ("whatsapp", "text")
    assert "telah kami terima" in received["text"]["body"]
    whatsapp.wait(number, lambda b: "PDAM" in json.dumps(b))  # the disposition, after
    bodies = [json.dumps(b) for b in whatsapp.sent_to(number)]
    assert sum("telah kami terima" in b for b in bodies) == 1  # the replayed webhook made no report

    delivered = poll(lambda: _with_status(system, tracking_id, "delivered"), 90)
    assert delivered["channel"] == "whatsapp"


def test_an_image_reaches_intake_as_a_clean_photo_of_its_caption(
    system: System, whatsapp: WhatsApp
) -> None:
    number, wamid = new_number(), new_wamid()
    upload = httpx.post(f"{whatsapp.graph}/test/media", content=phone_jpeg(),
                        headers={"Content-Type": "image/jpeg"}, timeout=10)  # fmt: skip
    answer = whatsapp.post(message_webhook(wamid, number, WATER, image=upload.json()["id"]))
    assert (answer.status_code, answer.json()["published"]) == (200, [wamid])
    [url] = public_status(system, tracking_id_of(system, wamid), "PDAM")["attachments"]
    photo = httpx.get(f"{system.url('intake')}{url}", headers=system.auth("admin"), timeout=10)
    assert photo.status_code == 200 and metadata_of(photo.content)["exif"] == {}


def _with_status(system: System, tracking_id: str, status: str) -> dict[str, Any] | None:
    return next((n for n in audit(system, tracking_id) if n["status"] == status), None)


def test_a_wrong_signature_gets_401_and_nothing_is_published(
    system: System, whatsapp: WhatsApp
) -> None:
    wamid = new_wamid()
    answer = whatsapp.post(message_webhook(wamid, new_number(), WATER), secret="tebakan")
    assert answer.status_code == 401
    # the adapter answers only after the broker acknowledged: anything published is there now
    key = f"whatsapp:{wamid}".encode()
    assert asyncio.run(read_to_end(system.kafka, topics.INTAKE, key)) == []


def test_a_reply_outside_the_24_hour_window_uses_the_approved_template(
    system: System, whatsapp: WhatsApp
) -> None:
    number, wamid = new_number(), new_wamid()
    a_day_ago = datetime.now(UTC) - timedelta(hours=25)  # Meta redelivers webhooks for days
    assert whatsapp.post(message_webhook(wamid, number, WATER, a_day_ago)).status_code == 200
    tracking_id = tracking_id_of(system, wamid)

    sent = whatsapp.wait(number, lambda b: b.get("type") == "template")
    assert sent["template"]["name"] == "lapor_pembaruan_laporan"
    assert sent["template"]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": tracking_id}]}
    ]
    assert all(b["type"] == "template" for b in whatsapp.sent_to(number))


def test_an_undeliverable_status_webhook_is_final_and_the_message_given_up_at_once(
    system: System, whatsapp: WhatsApp
) -> None:
    wamid = new_wamid()
    assert whatsapp.post(message_webhook(wamid, UNDELIVERABLE, WATER)).status_code == 200
    tracking_id = tracking_id_of(system, wamid)
    gave_up = poll(lambda: _given_up(system, tracking_id), 90)
    assert "131026" in json.dumps(gave_up)
    assert [a["status"] for a in gave_up["attempts"]] == ["failed"]  # 131026 is final: no retry


def _given_up(system: System, tracking_id: str) -> dict[str, Any] | None:
    for notification in audit(system, tracking_id):
        if notification["status"] == "given-up":
            return notification
    return None


def test_meta_verification_answers_the_challenge(whatsapp: WhatsApp) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "8810"}
    answer = httpx.get(f"{whatsapp.url}/webhook", params=query, timeout=10)
    assert (answer.status_code, answer.text) == (200, "8810")
    query["hub.verify_token"] = "tebakan"
    assert httpx.get(f"{whatsapp.url}/webhook", params=query, timeout=10).status_code == 403


async def read_to_end(bootstrap: str, topic: str, key: bytes) -> list[Any]:
    """The records with `key` among everything the topic holds now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()
        assigned = [TopicPartition(topic, p) for p in cluster.partitions_for_topic(topic) or ()]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        found: list[Any] = []
        deadline = time.monotonic() + 60
        while [p for p in assigned if await consumer.position(p) < ends[p]]:
            assert time.monotonic() < deadline, "the topic was not read to its end in time"
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(r for r in records if r.key == key)
        return found
    finally:
        await consumer.stop()
