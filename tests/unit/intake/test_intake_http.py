"""HTTP: message status for adapters; the identity vault, audited."""

from __future__ import annotations

import structlog
from fastapi.testclient import TestClient
from intake_helpers import EMAIL, HANDLE, NAME, PHONE, Feed, as_role, message, tracking_id_of

from intake.application import ids
from intake.application.app import IntakeApplication


def reporter_ref_of(app: IntakeApplication, message_id: str) -> str:
    ref: str = app.repository.get(ids.report_id("sms", message_id)).reporter_ref
    return ref


def test_status_is_404_before_the_message_is_recorded(client: TestClient) -> None:
    answer = client.get("/v1/intake/sms/m-1", headers=as_role("adapter"))
    assert answer.status_code == 404
    assert "sms:m-1" in answer.json()["detail"]


def test_status_names_outcome_and_tracking_id_once_recorded(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    answer = client.get("/v1/intake/sms/m-1", headers=as_role("adapter"))
    assert answer.status_code == 200
    assert answer.json() == {
        "channel": "sms",
        "message_id": "m-1",
        "status": "accepted",
        "tracking_id": app.intake_status("sms", "m-1").tracking_id,
        "reason": None,
        "duplicate_of": None,
        "possible_duplicate_of": None,
        "notice": None,
    }


def test_status_gives_the_reason_of_a_held_report(client: TestClient, feed: Feed) -> None:
    feed(message("m-1", text="kalian semua bangsat tidak becus"))
    body = client.get("/v1/intake/sms/m-1", headers=as_role("adapter")).json()
    assert body["status"] == "held"
    assert "kata kasar" in body["reason"]


def test_status_without_token_is_401(client: TestClient) -> None:
    assert client.get("/v1/intake/sms/m-1").status_code == 401


def test_status_with_an_unknown_token_is_401(client: TestClient) -> None:
    headers = {"Authorization": "Bearer forged"}
    assert client.get("/v1/intake/sms/m-1", headers=headers).status_code == 401


def test_status_for_a_role_other_than_adapter_is_403(client: TestClient) -> None:
    answer = client.get("/v1/intake/sms/m-1", headers=as_role("notification"))
    assert answer.status_code == 403


def test_status_of_an_unknown_channel_is_422(client: TestClient) -> None:
    answer = client.get("/v1/intake/fax/m-1", headers=as_role("adapter"))
    assert answer.status_code == 422


def test_vault_gives_notification_the_delivery_address(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    ref = reporter_ref_of(app, "m-1")
    answer = client.get(f"/v1/vault/{ref}", headers=as_role("notification"))
    assert answer.status_code == 200
    body = answer.json()
    link = body.pop("status_link")
    assert body == {
        "reporter_ref": ref,
        "channel": "sms",
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "handle": HANDLE,
    }
    assert link.startswith("http://127.0.0.1:8106/pantau/") and ref not in link


def test_vault_gives_an_adapter_the_address_of_an_anonim_report(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", anonim=True))
    answer = client.get(f"/v1/vault/{reporter_ref_of(app, 'm-1')}", headers=as_role("adapter"))
    assert answer.json()["phone"] == PHONE


def test_vault_never_gives_the_nik(client: TestClient, app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1"))
    body = client.get(f"/v1/vault/{reporter_ref_of(app, 'm-1')}", headers=as_role("adapter"))
    assert "nik" not in body.json()


def test_vault_look_up_is_recorded_in_the_audit_trail(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    ref = reporter_ref_of(app, "m-1")
    client.get(f"/v1/vault/{ref}", headers=as_role("notification"))
    history = app.vault.history(tracking_id_of(app, "m-1"))
    assert [(i.role, i.outcome) for i in history] == [("notification", "looked-up")]


def test_vault_look_up_is_logged_with_who_asked(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    ref = reporter_ref_of(app, "m-1")
    with structlog.testing.capture_logs() as logs:
        client.get(f"/v1/vault/{ref}", headers=as_role("notification"))
    looked_up = [line for line in logs if line["event"] == "identity-looked-up"]
    assert looked_up == [
        {
            "event": "identity-looked-up",
            "log_level": "info",
            "reporter_ref": ref,
            "report_id": str(ids.report_id("sms", "m-1")),
            "role": "notification",
        }
    ]


def test_vault_refuses_an_skpd_and_records_the_refusal(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    ref = reporter_ref_of(app, "m-1")
    answer = client.get(f"/v1/vault/{ref}", headers=as_role("skpd:PDAM"))
    assert answer.status_code == 403
    history = app.vault.history(tracking_id_of(app, "m-1"))
    assert [(i.role, i.outcome) for i in history] == [("skpd:PDAM", "refused")]


def test_vault_refuses_an_analyst(client: TestClient, app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1"))
    answer = client.get(f"/v1/vault/{reporter_ref_of(app, 'm-1')}", headers=as_role("analyst"))
    assert answer.status_code == 403


def test_vault_without_token_is_401(client: TestClient) -> None:
    assert client.get("/v1/vault/rpt_0").status_code == 401


def test_vault_of_an_unknown_reporter_ref_is_404(client: TestClient) -> None:
    answer = client.get("/v1/vault/rpt_unknown", headers=as_role("notification"))
    assert answer.status_code == 404
    assert "rpt_unknown" in answer.json()["detail"]
