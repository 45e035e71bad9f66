"""Intake's media store on both real backends: a folder by default, a PostgreSQL table that
replicas share when LAPOR_DATABASE_URL is set. The same tests run against each."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from intake.adapters.keys import MemoryKeys
from intake.adapters.media import FolderMediaStore, SqlMediaStore
from intake.adapters.photos import clean_photo
from intake.application.ports import MediaStore
from intake.bootstrap import bootstrap
from intake.domain.photos import PhotoRules
from intake.settings import IntakeSettings
from shared.auth import digest
from shared.db import ensure_database
from shared.runtime import ServiceSpec, build_app
from shared.settings import CommonSettings
from tests.photos import SVG, metadata_of, phone_jpeg

pytestmark = pytest.mark.integration

MEDIA_ID = "c" * 64
ADAPTER, ADMIN = {"Authorization": "Bearer a-token"}, {"Authorization": "Bearer admin-token"}


@pytest.fixture(params=["folder", "postgres"])
def common(request: pytest.FixtureRequest, tmp_path: Path) -> CommonSettings:
    """Settings of a fresh intake on each backend (the state folder, or a fresh database)."""
    tokens = {digest("a-token"): "adapter", digest("admin-token"): "admin"}
    if request.param == "folder":
        return CommonSettings(state_dir=tmp_path, auth_tokens=tokens)
    url = request.getfixturevalue("postgres_url")
    common = CommonSettings(database_url=url, instance=f"t{uuid.uuid4().hex[:10]}")
    ensure_database(url, common.database_name("intake"))
    return common.model_copy(update={"auth_tokens": tokens})


@pytest.fixture
def store(common: CommonSettings) -> Iterator[MediaStore]:
    if common.database_url:
        sql = SqlMediaStore(common.read_model_url("intake"))
        yield sql
        sql.close()
    else:
        yield FolderMediaStore(common.state_dir / "intake-media")


def intake(common: CommonSettings) -> ServiceSpec:
    return bootstrap(IntakeSettings(common=common), keys=MemoryKeys())


def test_a_photo_is_kept_once_and_read_back_with_its_thumbnail(store: MediaStore) -> None:
    photo = clean_photo(phone_jpeg(), PhotoRules())
    store.put(MEDIA_ID, photo, datetime.now(UTC))
    store.put(MEDIA_ID, photo, datetime.now(UTC))
    assert store.get(MEDIA_ID) == (photo.content, "image/jpeg")
    assert store.get(MEDIA_ID, thumb=True) == (photo.thumb, "image/jpeg")
    store.delete(MEDIA_ID)
    assert store.get(MEDIA_ID) is None and store.get(MEDIA_ID, thumb=True) is None


def test_an_unknown_photo_is_none(store: MediaStore) -> None:
    assert store.get(MEDIA_ID) is None
    store.delete(MEDIA_ID)  # idempotent


def _post(client: TestClient, message_id: str, *photos: bytes) -> object:
    text = "Lampu jalan mati di Jl. Veteran depan sekolah sejak seminggu"
    body = json.dumps(
        {"channel": "web", "message_id": message_id, "reporter": {"name": "Budi"}, "text": text}
    )
    files = [("photo", (f"{i}.jpg", raw, "image/jpeg")) for i, raw in enumerate(photos)]
    return client.post("/v1/reports", data={"report": body}, files=files, headers=ADAPTER)


def test_a_report_posted_to_one_replica_has_its_photo_served_by_another(
    common: CommonSettings,
) -> None:
    first, second = intake(common), intake(common)
    try:
        one, other = TestClient(build_app(first)), TestClient(build_app(second))
        answer = _post(one, "m-1", phone_jpeg())
        tracking_id = answer.json()["tracking_id"]  # type: ignore[attr-defined]
        [url] = first.application.report_by_tracking_id(tracking_id).submission.attachments
        served = other.get(url, headers=ADMIN)
        assert served.status_code == 200 and metadata_of(served.content)["exif"] == {}
    finally:
        first.application.close()
        second.application.close()


def test_a_refused_photo_leaves_nothing_in_the_store(
    common: CommonSettings, store: MediaStore
) -> None:
    spec = intake(common)
    try:
        answer = _post(TestClient(build_app(spec)), "m-2", phone_jpeg(), SVG)
        assert answer.status_code == 415  # type: ignore[attr-defined]
    finally:
        spec.application.close()
    clean = clean_photo(phone_jpeg(), PhotoRules())
    assert store.get(hashlib.sha256(clean.content).hexdigest()) is None
    if isinstance(store, FolderMediaStore):
        assert not store.root.exists() or store.files() == []
    else:
        assert isinstance(store, SqlMediaStore) and store.count() == 0
