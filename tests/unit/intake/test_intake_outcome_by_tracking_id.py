"""An adapter reads what became of a report by its tracking id: no identity, no text."""

from __future__ import annotations

from fastapi.testclient import TestClient
from intake_helpers import NAME, PHONE, START, TEXT, Feed, as_role, message

from intake.application.app import IntakeApplication


def test_the_outcome_names_channel_message_status_receipt_and_category(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("o311-1", channel="open311", category="sampah", rahasia=True))
    tracking_id = app.intake_status("open311", "o311-1").tracking_id
    answer = client.get(f"/v1/reports/{tracking_id}/outcome", headers=as_role("adapter"))
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found == {
        "tracking_id": tracking_id, "channel": "open311", "message_id": "o311-1",
        "status": "accepted", "received_at": found["received_at"], "category": "sampah",
        "rahasia": True,
    }  # fmt: skip
    assert found["received_at"].startswith(START.isoformat()[:16])
    assert NAME not in answer.text and PHONE not in answer.text and TEXT not in answer.text


def test_an_unknown_tracking_id_is_404_and_only_adapters_ask(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    assert (
        client.get("/v1/reports/LPR-NOTHERE/outcome", headers=as_role("adapter")).status_code == 404
    )
    feed(message("m-1"))
    tracking_id = app.intake_status("sms", "m-1").tracking_id
    assert client.get(f"/v1/reports/{tracking_id}/outcome").status_code == 401
    refused = client.get(f"/v1/reports/{tracking_id}/outcome", headers=as_role("analyst"))
    assert refused.status_code == 403
