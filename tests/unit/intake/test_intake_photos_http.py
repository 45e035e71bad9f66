"""Photos through intake's HTTP front: multipart POST /v1/reports, GET /v1/media/{id}, who sees."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from intake_helpers import PHONE, START, TEXT, Feed, FixedClock, as_role, published, settings

from intake.adapters.media import MemoryMediaStore
from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.report import Report
from shared.contracts import (
    CaseAcknowledged,
    CaseHidden,
    CaseShown,
    DispositionMethod,
    ReportAccepted,
    ReportDisposed,
    StatusBucket,
)
from shared.runtime import ServiceSpec
from tests.photos import SVG, TEXT_AS_JPG, metadata_of, phone_jpeg, png_claiming

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture
def store() -> MemoryMediaStore:
    return MemoryMediaStore()


@pytest.fixture
def spec(clock: FixedClock, store: MemoryMediaStore) -> ServiceSpec:
    return bootstrap(settings(photo_max_mb=0.5), clock=clock, env=POPO, media=store)


def report(message_id: str = "p-1", **fields: Any) -> str:
    body = {"channel": "web", "message_id": message_id, "text": TEXT,
            "reporter": {"name": "Budi", "phone": PHONE}, **fields}  # fmt: skip
    return json.dumps(body)


def post(client: TestClient, body: str, *photos: tuple[str, bytes, str]) -> Any:
    files = [("photo", photo) for photo in photos]
    return client.post(
        "/v1/reports", data={"report": body}, files=files or None, headers=as_role("adapter")
    )


def jpeg(name: str = "foto.jpg", raw: bytes | None = None) -> tuple[str, bytes, str]:
    return (name, raw if raw is not None else phone_jpeg(), "image/jpeg")


def accepted(app: IntakeApplication) -> ReportAccepted:
    [event] = [e for e in published(app) if isinstance(e, ReportAccepted)]
    return event


def the_report(app: IntakeApplication) -> Report:
    return app.report_by_tracking_id(accepted(app).tracking_id)


def acknowledged(found: Report) -> CaseAcknowledged:
    return CaseAcknowledged(
        occurred_at=START, report_id=found.id, tracking_id=found.tracking_id, channel="web",
        kind="pengaduan", reporter_ref=found.reporter_ref, rahasia=found.submission.rahasia,
        status=StatusBucket.SEDANG_DIPROSES, skpd_code="DISPERKIM", body="DISPERKIM",
    )  # fmt: skip


def moderated(found: Report, act: type[CaseHidden | CaseShown], minutes: int) -> Any:
    return act(
        occurred_at=START + timedelta(minutes=minutes), report_id=found.id, reason="wajah anak",
        tracking_id=found.tracking_id, channel="web", kind="pengaduan", status="Arsip",
        reporter_ref=found.reporter_ref, actor={"role": "admin", "name": "Admin Kota"},
    )  # fmt: skip


def disposed(found: Report, code: str) -> ReportDisposed:
    return ReportDisposed(
        occurred_at=START, report_id=found.id, tracking_id=found.tracking_id, skpd_code=code,
        skpd_name=code, method=DispositionMethod.RULE, confidence=0.9,
    )  # fmt: skip


def test_a_report_with_a_photo_carries_its_url_and_the_photo_has_no_exif(
    client: TestClient, app: IntakeApplication
) -> None:
    answer = post(client, report(), jpeg())
    assert answer.status_code == 201, answer.text
    [url] = accepted(app).attachments
    assert url.startswith("/v1/media/")
    photo = client.get(url, headers=as_role("admin"))
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert metadata_of(photo.content)["exif"] == {}
    thumb = client.get(f"{url}/thumb", headers=as_role("admin"))
    assert thumb.status_code == 200 and len(thumb.content) < len(photo.content)


def test_a_photo_is_for_staff_until_the_body_acknowledges_then_public(
    client: TestClient, app: IntakeApplication, routing_feed: Feed, cases_feed: Feed
) -> None:
    post(client, report(), jpeg())
    [url], found = accepted(app).attachments, the_report(app)
    routing_feed(disposed(found, "DISPERKIM"))
    assert client.get(url).status_code == 401
    assert client.get(url, headers=as_role("skpd:PDAM")).status_code == 404
    staff = client.get(url, headers=as_role("skpd:DISPERKIM"))
    assert staff.status_code == 200 and staff.headers["cache-control"].startswith("private")
    cases_feed(acknowledged(found))
    public = client.get(url)
    assert public.status_code == 200 and public.headers["cache-control"].startswith("public")
    again = client.get(url, headers={"If-None-Match": public.headers["etag"]})
    assert again.status_code == 304


def public_photo(
    client: TestClient, app: IntakeApplication, routing_feed: Feed, cases_feed: Feed
) -> tuple[str, Report]:
    """A report with a photo, disposed to DISPERKIM and acknowledged: its photo is public."""
    post(client, report(), jpeg())
    [url], found = accepted(app).attachments, the_report(app)
    routing_feed(disposed(found, "DISPERKIM"))
    cases_feed(acknowledged(found))
    return url, found


def test_a_hidden_reports_photo_is_for_staff_only_until_shown_again(
    client: TestClient, app: IntakeApplication, routing_feed: Feed, cases_feed: Feed
) -> None:
    url, found = public_photo(client, app, routing_feed, cases_feed)
    assert client.get(url).status_code == 200
    cases_feed(moderated(found, CaseHidden, 1))
    assert client.get(url).status_code == 401 and client.get(f"{url}/thumb").status_code == 401
    assert client.get(url, headers=as_role("skpd:PDAM")).status_code == 404
    staff = client.get(url, headers=as_role("skpd:DISPERKIM"))
    assert staff.status_code == 200 and staff.headers["cache-control"].startswith("private")
    assert client.get(url, headers=as_role("admin")).status_code == 200
    cases_feed(moderated(found, CaseShown, 2))
    assert client.get(url).status_code == 200


def test_an_older_hide_delivered_again_does_not_undo_a_newer_show(
    client: TestClient, app: IntakeApplication, routing_feed: Feed, cases_feed: Feed
) -> None:
    url, found = public_photo(client, app, routing_feed, cases_feed)
    cases_feed(moderated(found, CaseShown, 2))
    cases_feed(moderated(found, CaseHidden, 1))
    assert client.get(url).status_code == 200


def test_a_rahasia_reports_photo_stays_with_its_body_and_the_admin(
    client: TestClient, app: IntakeApplication, routing_feed: Feed, cases_feed: Feed
) -> None:
    post(client, report(rahasia=True), jpeg())
    [url], found = accepted(app).attachments, the_report(app)
    routing_feed(disposed(found, "DISPERKIM"))
    cases_feed(acknowledged(found))
    assert client.get(url).status_code == 401
    assert client.get(url, headers=as_role("skpd:PDAM")).status_code == 404
    assert client.get(url, headers=as_role("skpd:DISPERKIM")).status_code == 200
    assert client.get(url, headers=as_role("admin")).status_code == 200


def test_the_admin_verifying_a_held_report_makes_its_photo_public(
    client: TestClient, app: IntakeApplication
) -> None:
    answer = post(client, report(text="Petugas goblok, jalan rusak parah di Kayu Tangi"), jpeg())
    assert answer.json()["status"] == "held"
    [url] = app.report_by_tracking_id(answer.json()["tracking_id"]).submission.attachments
    assert client.get(url).status_code == 401
    client.post(f"/v1/held/{answer.json()['tracking_id']}/verify", headers=as_role("admin"))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("photo", "status", "words"),
    [
        (jpeg(raw=b"\xff\xd8" + bytes(600_000)), 413, "MB"),
        (("gambar.svg", SVG, "image/svg+xml"), 415, "skrip"),
        (jpeg(raw=TEXT_AS_JPG), 415, "bukan foto"),
        (("bom.png", png_claiming(50_000, 50_000), "image/png"), 422, "bom"),
    ],
    ids=["too-large", "svg", "text-named-jpg", "png-bomb"],
)
def test_a_refused_photo_refuses_the_report_and_leaves_nothing_stored(
    client: TestClient,
    app: IntakeApplication,
    store: MemoryMediaStore,
    photo: tuple[str, bytes, str],
    status: int,
    words: str,
) -> None:
    answer = post(client, report(), jpeg(), photo)
    assert answer.status_code == status and words in answer.json()["detail"]
    assert len(store) == 0 and published(app) == []


def test_six_photos_are_refused_naming_the_limit(
    client: TestClient, store: MemoryMediaStore
) -> None:
    answer = post(client, report(), *[jpeg(f"{i}.jpg", phone_jpeg((40 + i, 30))) for i in range(6)])
    assert answer.status_code == 422 and "5 foto" in answer.json()["detail"]
    assert len(store) == 0


def test_a_form_without_its_report_field_is_refused_naming_it(client: TestClient) -> None:
    answer = client.post(
        "/v1/reports", data={"laporan": "x"}, files=[("photo", jpeg())], headers=as_role("adapter")
    )
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "report"]


def test_a_json_report_may_not_link_a_stored_photo(client: TestClient) -> None:
    body = json.loads(report(attachments=[f"/v1/media/{'a' * 64}"]))
    answer = client.post("/v1/reports", json=body, headers=as_role("adapter"))
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"][-1] == "attachments"


def test_photos_of_a_message_sent_again_are_not_kept_twice(
    client: TestClient, app: IntakeApplication, store: MemoryMediaStore
) -> None:
    assert post(client, report(), jpeg()).status_code == 201
    kept = len(store)
    other = phone_jpeg((80, 60))
    assert post(client, report(), jpeg(raw=other)).status_code == 200
    assert len(store) == kept  # the second request's photo belongs to no report: dropped


def test_an_unknown_or_malformed_media_id_is_404(client: TestClient) -> None:
    assert client.get(f"/v1/media/{'b' * 64}", headers=as_role("admin")).status_code == 404
    assert client.get("/v1/media/..%2Fetc", headers=as_role("admin")).status_code == 404
