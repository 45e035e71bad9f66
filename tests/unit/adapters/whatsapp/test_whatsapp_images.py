"""A WhatsApp image: fetched from the Graph stand-in with the adapter's token (its documented
media endpoints), sent to the real intake front as a photo part; the caption is the text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from whatsapp_fakes import NOW, Producer, message_webhook

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from services.adapters.whatsapp.inbound import Inbox, Received
from services.adapters.whatsapp.media import MediaUnavailable, PhotoForwarder
from services.adapters.whatsapp.store import WhatsAppStore
from services.adapters.whatsapp.webhook import read_webhook
from services.local.whatsapp_graph import StandIn, create_app
from shared import topics
from shared.auth import digest
from shared.clock import FixedClock
from shared.runtime import ServiceSpec, build_app
from shared.settings import CommonSettings
from tests.photos import SVG, metadata_of, phone_jpeg
from tests.photos_heic import iphone_heic

GRAPH_TOKEN, ADAPTER, ADMIN = "EAAL-test", "adapter-token", "admin-token"
CAPTION = "Jalan berlubang besar di depan pasar Antasari"


@pytest.fixture
def stand_in(tmp_path: Path) -> StandIn:
    return StandIn(tmp_path / "outbox", GRAPH_TOKEN, "1087")


@pytest.fixture
def spec() -> ServiceSpec:
    tokens = {digest(ADAPTER): "adapter", digest(ADMIN): "admin"}
    return bootstrap(
        IntakeSettings(common=CommonSettings(auth_tokens=tokens)),
        clock=FixedClock(NOW),
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
    )


@pytest.fixture
def intake(spec: ServiceSpec) -> IntakeApplication:
    app: IntakeApplication = spec.application
    return app


def inbox(store: WhatsAppStore, clock: FixedClock, stand_in: StandIn, spec: ServiceSpec,
          producer: Producer, graph_token: str = GRAPH_TOKEN) -> Inbox:  # fmt: skip
    client = httpx.AsyncClient(mounts={
        "http://graph.test": httpx.ASGITransport(app=create_app(stand_in)),
        "http://intake.test": httpx.ASGITransport(app=build_app(spec)),
    })  # fmt: skip
    photos = PhotoForwarder("http://graph.test/v24.0", graph_token, "http://intake.test",
                            ADAPTER, client)  # fmt: skip
    return Inbox(producer, store, clock, timedelta(minutes=5), photos)


def image_webhook(wamid: str, media_id: str) -> bytes:
    return message_webhook(wamid, kind="image", caption=CAPTION, id=media_id,
                           mime_type="image/jpeg")  # fmt: skip


async def receive(
    box: Inbox, stand_in: StandIn, image: bytes, wamid: str, mime: str = "image/jpeg"
) -> Received:
    media_id = stand_in.add_media(image, mime)
    return await box.receive(read_webhook(image_webhook(wamid, media_id)))


@pytest.mark.parametrize(
    ("image", "mime"), [(phone_jpeg(), "image/jpeg"), (iphone_heic(), "image/heic")],
    ids=["jpeg", "iphone-heic"],
)  # fmt: skip
async def test_an_image_goes_to_intake_as_a_clean_photo_of_its_caption(
    store: WhatsAppStore,
    clock: FixedClock,
    stand_in: StandIn,
    spec: ServiceSpec,
    intake: IntakeApplication,
    image: bytes,
    mime: str,
) -> None:
    producer = Producer()
    box = inbox(store, clock, stand_in, spec, producer)
    received = await receive(box, stand_in, image, "wamid.IMG1", mime)
    assert received.published == ["wamid.IMG1"] and producer.sent == []
    status = intake.intake_status("whatsapp", "wamid.IMG1")
    found = intake.report_by_tracking_id(status.tracking_id or "")
    assert found.submission.text == CAPTION
    [url] = found.submission.attachments
    photo = intake.photos.open(url.rsplit("/", 1)[1], "admin")
    assert photo.content_type == "image/jpeg" and metadata_of(photo.content)["exif"] == {}


async def test_an_image_intake_refuses_is_reported_by_its_caption_alone(
    store: WhatsAppStore,
    clock: FixedClock,
    stand_in: StandIn,
    spec: ServiceSpec,
    intake: IntakeApplication,
) -> None:
    producer = Producer()
    await receive(inbox(store, clock, stand_in, spec, producer), stand_in, SVG, "wamid.IMG2")
    [message] = producer.on(topics.INTAKE)
    assert message["text"] == CAPTION and message["attachments"] == []


async def test_without_the_adapters_token_the_media_is_not_served_and_meta_must_retry(
    store: WhatsAppStore, clock: FixedClock, stand_in: StandIn, spec: ServiceSpec
) -> None:
    media_id = stand_in.add_media(phone_jpeg(), "image/jpeg")
    wrong = inbox(store, clock, stand_in, spec, Producer(), graph_token="another")
    with pytest.raises(MediaUnavailable):
        await wrong.receive(read_webhook(image_webhook("wamid.IMG3", media_id)))


def test_the_stand_ins_media_routes_leave_its_readiness_alone(stand_in: StandIn) -> None:
    assert TestClient(create_app(stand_in)).get("/health/ready").status_code == 200
