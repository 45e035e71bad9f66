"""The admin reads a reporter's identity and the unmasked words; each read is logged; an anonim
report leaves intake masked, its original sealed under the reporter's key."""

from __future__ import annotations

from fastapi.testclient import TestClient
from intake_helpers import NAME, NIK, PHONE, Feed, as_role, message, published, tracking_id_of

from intake.application.app import IntakeApplication
from shared.contracts import ReportAccepted

LEAKY = (
    "Ada pungli di kantor kelurahan Kuin Utara. Hubungi saya di 0812-3456-7890 atau "
    "budi.santoso@contoh.id, NIK 6371014508900001. Biaya Rp 150.000 per surat."
)


def read(client: TestClient, tracking_id: str, role: str = "admin") -> dict[str, object]:
    answer = client.get(f"/v1/reports/{tracking_id}/identity", headers=as_role(role))
    assert answer.status_code == 200, answer.text
    found: dict[str, object] = answer.json()
    return found


def test_the_admin_reads_the_identity_and_the_text(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    found = read(client, tracking_id_of(app, "m-1"))
    assert (found["name"], found["phone"], found["nik"]) == (NAME, PHONE, NIK)
    assert found["masked"] is False


def test_each_read_is_logged_as_a_look_up(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    tracking_id = tracking_id_of(app, "m-1")
    read(client, tracking_id)
    listed = client.get(
        f"/v1/reports/{tracking_id}/identity-look-ups", headers=as_role("admin")
    ).json()
    assert [(i["role"], i["outcome"]) for i in listed] == [("admin", "looked-up")]


def test_only_the_admin_reads_it(client: TestClient, app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1"))
    tracking_id = tracking_id_of(app, "m-1")
    for role in ("notification", "adapter", "skpd:PDAM"):
        answer = client.get(f"/v1/reports/{tracking_id}/identity", headers=as_role(role))
        assert answer.status_code == 403


def test_an_anonim_report_leaves_intake_masked(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", text=LEAKY, anonim=True))
    [accepted] = [e for e in published(app) if isinstance(e, ReportAccepted)]
    for secret in ("0812-3456-7890", "budi.santoso@contoh.id", "6371014508900001"):
        assert secret not in accepted.text
    assert "[nomor telepon disamarkan]" in accepted.text and "Rp 150.000" in accepted.text


def test_the_unmasked_original_is_never_stored_in_clear(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", text=LEAKY, anonim=True))
    stored = b"".join(n.state for n in app.recorder.select_notifications(1, 100_000))
    rows = app.books.db.read("SELECT * FROM intake_open_reports", {})  # type: ignore[attr-defined]
    for secret in ("0812-3456-7890", "budi.santoso", "6371014508900001"):
        assert secret.encode() not in stored and secret not in str(rows)


def test_the_admin_reads_the_unmasked_original(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", text=LEAKY, anonim=True))
    found = read(client, tracking_id_of(app, "m-1"))
    assert (found["text"], found["masked"]) == (LEAKY, True)


def test_erasure_destroys_the_original_too(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", text=LEAKY, anonim=True))
    tracking_id = tracking_id_of(app, "m-1")
    client.delete(f"/v1/reports/{tracking_id}/identity", headers=as_role("admin"))
    answer = client.get(f"/v1/reports/{tracking_id}/identity", headers=as_role("admin"))
    assert answer.status_code == 410


def test_a_report_that_is_not_anonim_is_not_masked(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", text=LEAKY))
    [accepted] = [e for e in published(app) if isinstance(e, ReportAccepted)]
    assert accepted.text == LEAKY
