"""Photos kept for no report (a crash or a refusal between keeping a photo and recording its
report) are swept after the grace period; a photo a report carries, or one kept again for a
report being recorded right now, never is. Each store: memory, folder, SQL (SQLite here;
PostgreSQL in tests/integration)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from intake_helpers import START, TEXT, as_role, settings

from intake.adapters.media import FolderMediaStore, MemoryMediaStore, SqlMediaStore
from intake.adapters.photos import clean_photo
from intake.application.app import IntakeApplication
from intake.application.ports import MediaStore
from intake.bootstrap import bootstrap
from intake.domain.photos import CleanPhoto, PhotoRules
from intake.entrypoints.media import sweeping
from shared.clock import FixedClock
from shared.runtime import ServiceSpec, build_app
from tests.photos import phone_jpeg

GRACE = timedelta(hours=24)


def photo(size: tuple[int, int] = (64, 48)) -> tuple[str, CleanPhoto]:
    clean = clean_photo(phone_jpeg(size), PhotoRules())
    return hashlib.sha256(clean.content).hexdigest(), clean


def nobody(media_ids: Sequence[str]) -> set[str]:
    return set()


@pytest.fixture(params=["memory", "folder", "sql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MediaStore]:
    if request.param == "memory":
        yield MemoryMediaStore()
    elif request.param == "folder":
        yield FolderMediaStore(tmp_path / "intake-media")
    else:
        sql = SqlMediaStore(f"sqlite:///{tmp_path / 'media.sqlite'}")
        yield sql
        sql.close()


def test_a_photo_kept_for_no_report_before_the_moment_is_forgotten(store: MediaStore) -> None:
    media_id, clean = photo()
    store.put(media_id, clean, START)
    assert store.sweep(START, nobody) == []  # kept at the moment itself: not before it
    assert store.get(media_id) is not None
    assert store.sweep(START + timedelta(seconds=1), nobody) == [media_id]
    assert store.get(media_id) is None and store.get(media_id, thumb=True) is None


def test_a_photo_a_report_carries_is_never_forgotten_and_not_asked_about_again(
    store: MediaStore,
) -> None:
    media_id, clean = photo()
    store.put(media_id, clean, START)
    asked: list[str] = []

    def carried(media_ids: Sequence[str]) -> set[str]:
        asked.extend(media_ids)
        return set(media_ids)

    assert store.sweep(START + GRACE, carried) == []
    assert store.sweep(START + 10 * GRACE, carried) == [] and asked == [media_id]
    assert store.get(media_id) is not None


def test_keeping_a_photo_again_starts_its_grace_anew(store: MediaStore) -> None:
    media_id, clean = photo()
    store.put(media_id, clean, START)
    store.put(media_id, clean, START + timedelta(hours=20))  # the same bytes, another upload
    assert store.sweep(START + timedelta(hours=30) - GRACE, nobody) == []
    assert store.sweep(START + timedelta(hours=45) - GRACE, nobody) == [media_id]


def test_a_photo_kept_again_while_the_sweep_runs_is_not_forgotten(store: MediaStore) -> None:
    media_id, clean = photo()
    store.put(media_id, clean, START)
    sweep_at = START + 2 * GRACE

    def uploaded_meanwhile(media_ids: Sequence[str]) -> set[str]:
        store.put(media_id, clean, sweep_at)  # a report with this photo is being recorded
        return set()

    assert store.sweep(sweep_at - GRACE, uploaded_meanwhile) == []
    assert store.get(media_id) is not None


def test_only_the_photos_no_report_carries_are_forgotten(store: MediaStore) -> None:
    kept = [photo((40 + i, 30)) for i in range(4)]
    for media_id, clean in kept:
        store.put(media_id, clean, START)
    carried = {kept[0][0], kept[2][0]}
    forgotten = store.sweep(START + GRACE, lambda ids: carried & set(ids))
    assert sorted(forgotten) == sorted({kept[1][0], kept[3][0]})
    assert all((store.get(m) is not None) == (m in carried) for m, _ in kept)


def test_photos_a_folder_kept_before_sweeps_existed_are_reviewed_once(tmp_path: Path) -> None:
    root = tmp_path / "intake-media"
    (carried, first), (orphan, second) = photo((40, 30)), photo((50, 30))
    for media_id, clean in ((carried, first), (orphan, second)):
        (root / media_id[:2]).mkdir(parents=True, exist_ok=True)
        (root / media_id[:2] / f"{media_id}.full.jpg").write_bytes(clean.content)
    store = FolderMediaStore(root)
    assert store.sweep(START, lambda ids: {carried} & set(ids)) == [orphan]
    assert store.get(carried) is not None and not os.listdir(root / ".pending")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def spec(clock: FixedClock) -> ServiceSpec:
    return bootstrap(
        settings(), clock=clock, env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        media=MemoryMediaStore(),
    )  # fmt: skip


def test_the_admin_sweeps_photos_of_reports_never_recorded_but_not_a_reports_photo(
    spec: ServiceSpec, clock: FixedClock
) -> None:
    app: IntakeApplication = spec.application
    client = TestClient(build_app(spec))
    body = json.dumps({"channel": "web", "message_id": "sweep-1", "text": TEXT,
                       "reporter": {"name": "Budi"}})  # fmt: skip
    files = [("photo", ("a.jpg", phone_jpeg(), "image/jpeg"))]
    posted = client.post("/v1/reports", data={"report": body}, files=files,
                         headers=as_role("adapter"))  # fmt: skip
    assert posted.status_code == 201, posted.text
    [carried] = app.report_by_tracking_id(posted.json()["tracking_id"]).submission.attachments
    [orphan] = app.photos.keep([photo((90, 60))[1]])  # stored, then intake died before recording
    assert client.post("/v1/media/sweep", headers=as_role("adapter")).status_code == 403
    assert client.post("/v1/media/sweep", headers=as_role("admin")).json()["forgotten"] == []
    clock.moment = START + GRACE + timedelta(minutes=1)
    answer = client.post("/v1/media/sweep", headers=as_role("admin"))
    assert answer.status_code == 200 and answer.json()["forgotten"] == [orphan.rsplit("/", 1)[1]]
    assert client.get(carried, headers=as_role("admin")).status_code == 200
    assert client.get(orphan, headers=as_role("admin")).status_code == 404


async def test_the_leaders_job_sweeps_at_once_and_stops_with_its_term(
    spec: ServiceSpec, clock: FixedClock
) -> None:
    app: IntakeApplication = spec.application
    [orphan] = app.photos.keep([photo()[1]])
    clock.moment = START + 2 * GRACE
    over = asyncio.Event()
    job = asyncio.create_task(sweeping(app, every=3600)(over))
    while app.photos._parts.store.get(orphan.rsplit("/", 1)[1]) is not None:
        await asyncio.sleep(0.01)  # the job's first round runs in a worker thread
    over.set()
    await asyncio.wait_for(job, timeout=10)
