"""Photos on the real PostgreSQL store replicas share (and the real Kafka): an iPhone's HEIC
through the multipart front, and the sweep of photos kept for no report, by the admin's call, by
the leading replica on its own, and for a table made before sweeps existed."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from io import BytesIO

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import create_engine, text

from intake.adapters.keys import MemoryKeys
from intake.adapters.media import SqlMediaStore
from intake.adapters.photos import clean_photo
from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.photos import PhotoRules
from intake.settings import IntakeSettings
from shared import topics
from shared.auth import digest
from shared.clock import FixedClock
from shared.db import ensure_database
from shared.runtime import ServiceSpec, build_app
from shared.settings import CommonSettings
from tests.kafka_helpers import read_topic
from tests.photos import metadata_of, phone_jpeg
from tests.photos_heic import CAMERA, iphone_heic

pytestmark = pytest.mark.integration

START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
ADMIN, ADAPTER = {"Authorization": "Bearer admin-token"}, {"Authorization": "Bearer a-token"}
TEXT = "Lampu jalan mati di Jl. Veteran depan sekolah sejak seminggu"
PAST_GRACE = timedelta(hours=24, minutes=1)


@pytest.fixture
def common(postgres_url: str) -> CommonSettings:
    """A fresh intake database on the session's PostgreSQL."""
    common = CommonSettings(database_url=postgres_url, instance=f"t{uuid.uuid4().hex[:10]}")
    ensure_database(postgres_url, common.database_name("intake"))
    tokens = {digest("a-token"): "adapter", digest("admin-token"): "admin"}
    return common.model_copy(update={"auth_tokens": tokens, "auth_tokens_topic": False})


def intake(common: CommonSettings, clock: FixedClock) -> ServiceSpec:
    return bootstrap(IntakeSettings(common=common), clock=clock, keys=MemoryKeys())


def orphan_of(app: IntakeApplication) -> str:
    """A photo kept for a report that was never recorded (intake died in between)."""
    [url] = app.photos.keep([clean_photo(phone_jpeg((90, 60)), PhotoRules())])
    return url.rsplit("/", 1)[1]


async def test_a_heic_report_travels_with_its_url_and_the_photo_is_a_clean_jpeg(
    common: CommonSettings, kafka: str
) -> None:
    common = common.model_copy(update={"kafka_bootstrap_servers": kafka})
    spec = bootstrap(IntakeSettings(common=common), keys=MemoryKeys())
    service = build_app(spec)
    body = json.dumps({"channel": "web", "message_id": f"heic-{common.instance}",
                       "reporter": {"name": "Budi"}, "text": TEXT})  # fmt: skip
    heic = ("IMG_4032.HEIC", iphone_heic(size=(640, 480), orientation=6), "image/heic")
    async with (
        service.router.lifespan_context(service),
        httpx.AsyncClient(transport=httpx.ASGITransport(service), base_url="http://i") as client,
    ):
        posted = await client.post(
            "/v1/reports", data={"report": body}, files=[("photo", heic)], headers=ADAPTER
        )
        assert posted.status_code == 201, posted.text
        tracking_id = posted.json()["tracking_id"]
        [record] = await read_topic(
            kafka, topics.REPORTS, until=lambda found: len(found) >= 1, timeout=60,
            where=lambda r: bool(r.value) and b"ReportAccepted" in r.value
            and tracking_id.encode() in r.value,  # other tests leave bad records, null ones too
        )  # fmt: skip
        [url] = json.loads(record.value)["attachments"]
        served = await client.get(url, headers=ADMIN)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    found = metadata_of(served.content)
    assert found["exif"] == {} and CAMERA.encode() not in served.content
    assert Image.open(BytesIO(served.content)).size == (480, 640)  # upright


def test_the_admins_sweep_forgets_an_orphan_and_keeps_a_reports_photo(
    common: CommonSettings,
) -> None:
    clock = FixedClock(START)
    spec = intake(common, clock)
    try:
        client = TestClient(build_app(spec))
        body = json.dumps(
            {
                "channel": "web",
                "message_id": "pg-sweep-1",
                "reporter": {"name": "Budi"},
                "text": TEXT,
            }
        )
        files = [("photo", ("a.jpg", phone_jpeg(), "image/jpeg"))]
        posted = client.post("/v1/reports", data={"report": body}, files=files, headers=ADAPTER)
        assert posted.status_code == 201, posted.text
        [carried] = spec.application.report_by_tracking_id(
            posted.json()["tracking_id"]
        ).submission.attachments
        orphan = orphan_of(spec.application)
        assert client.post("/v1/media/sweep", headers=ADMIN).json()["forgotten"] == []
        clock.moment = START + PAST_GRACE
        assert client.post("/v1/media/sweep", headers=ADMIN).json()["forgotten"] == [orphan]
        assert client.get(carried, headers=ADMIN).status_code == 200
        assert client.get(f"/v1/media/{orphan}", headers=ADMIN).status_code == 404
    finally:
        spec.application.close()
    store = SqlMediaStore(common.read_model_url("intake"))
    try:
        assert store.count() == 2 and store.get(orphan) is None  # the report's photo and thumb
    finally:
        store.close()


async def test_the_leading_replica_sweeps_on_its_own(common: CommonSettings, kafka: str) -> None:
    clock = FixedClock(START)
    spec = intake(common.model_copy(update={"kafka_bootstrap_servers": kafka}), clock)
    orphan = orphan_of(spec.application)
    clock.moment = START + PAST_GRACE
    service, store = build_app(spec), SqlMediaStore(common.read_model_url("intake"))
    try:
        async with service.router.lifespan_context(service), asyncio.timeout(60):
            while store.get(orphan) is not None:
                await asyncio.sleep(0.05)  # the leader's first round, in a worker thread
    finally:
        store.close()


def test_photos_of_a_table_made_before_sweeps_are_reviewed_once(common: CommonSettings) -> None:
    url = common.read_model_url("intake")
    carried, orphan = (
        clean_photo(phone_jpeg(size), PhotoRules()).content for size in ((40, 30), (50, 30))
    )
    ids = [hashlib.sha256(content).hexdigest() for content in (carried, orphan)]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE intake_media (media_id VARCHAR(64), kind VARCHAR(8), "
                          "content_type VARCHAR(40) NOT NULL, content BYTEA NOT NULL, "
                          "PRIMARY KEY (media_id, kind))"))  # fmt: skip
        for media_id, content in zip(ids, (carried, orphan), strict=True):
            conn.execute(
                text("INSERT INTO intake_media VALUES (:m, 'full', 'image/jpeg', :c)"),
                {"m": media_id, "c": content},
            )
    engine.dispose()
    store = SqlMediaStore(url)
    try:
        assert store.sweep(START, lambda found: {ids[0]} & set(found)) == [ids[1]]
        assert store.get(ids[0]) is not None and store.sweep(START, lambda found: set()) == []
    finally:
        store.close()
