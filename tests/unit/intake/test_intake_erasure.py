"""Erasure by crypto-shredding: the key goes, the history stays, the identity is gone for good."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from intake_helpers import EMAIL, NAME, PHONE, Feed, as_role, message, published, tracking_id_of

from intake.application.app import IntakeApplication
from intake.domain.report import Report


@pytest.fixture
def report(app: IntakeApplication, feed: Feed) -> Report:
    feed(message("m-1"))
    return app.report_by_tracking_id(tracking_id_of(app, "m-1"))


def erase(client: TestClient, tracking_id: str, role: str = "admin") -> httpx.Response:
    return client.delete(f"/v1/reports/{tracking_id}/identity", headers=as_role(role))


def stored_bytes(app: IntakeApplication) -> bytes:
    """Everything in intake's event store, as stored."""
    return b"".join(n.state for n in app.recorder.select_notifications(1, 100_000))


def test_identity_is_stored_sealed_never_in_clear(app: IntakeApplication, report: Report) -> None:
    stored = stored_bytes(app)
    for secret in (NAME, PHONE, EMAIL):
        assert secret.encode() not in stored


def test_erasure_answers_200_and_the_vault_then_answers_410_erased(
    client: TestClient, report: Report
) -> None:
    answer = erase(client, report.tracking_id)
    assert answer.status_code == 200
    found = client.get(f"/v1/vault/{report.reporter_ref}", headers=as_role("notification"))
    assert found.status_code == 410
    assert "dihapus" in found.json()["detail"]


def test_erasure_destroys_the_key_so_nothing_can_unseal_it(
    client: TestClient, app: IntakeApplication, report: Report
) -> None:
    erase(client, report.tracking_id)
    assert app.vault.keyring.unseal(None, report.reporter_ref, report.sealed_identity) is None


def test_erasure_keeps_the_report_history(
    client: TestClient, app: IntakeApplication, report: Report
) -> None:
    before = published(app)
    erase(client, report.tracking_id)
    assert app.intake_status("sms", "m-1").tracking_id == report.tracking_id
    assert published(app)[: len(before)] == before


def test_a_reply_from_an_erased_contact_is_a_new_report(
    client: TestClient, app: IntakeApplication, feed: Feed, report: Report
) -> None:
    erase(client, report.tracking_id)
    feed(message("m-2", text=f"{report.tracking_id} masih rusak sampai sekarang"))
    status = app.intake_status("sms", "m-2")
    assert status.status == "accepted"
    assert status.tracking_id != report.tracking_id


def test_a_look_up_after_erasure_is_listed_as_refused(client: TestClient, report: Report) -> None:
    erase(client, report.tracking_id)
    client.get(f"/v1/vault/{report.reporter_ref}", headers=as_role("notification"))
    listed = client.get(
        f"/v1/reports/{report.tracking_id}/identity-look-ups", headers=as_role("admin")
    ).json()
    assert [(i["outcome"], "dihapus" in i["reason"]) for i in listed] == [("refused", True)]


def test_erasing_twice_is_harmless(client: TestClient, report: Report) -> None:
    first = erase(client, report.tracking_id)
    again = erase(client, report.tracking_id)
    assert again.status_code == 200
    assert again.json() == first.json()


def test_erasure_is_for_the_admin_only(client: TestClient, report: Report) -> None:
    assert erase(client, report.tracking_id, role="notification").status_code == 403


def test_erasing_an_unknown_tracking_id_is_404(client: TestClient) -> None:
    assert erase(client, "LPR-ZZZZZZZZ").status_code == 404
