"""`GET /v1/notifications/{tracking_id}` (staff) and `/failed` (admin): who was told what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from notification.application.service import NotificationApplication, notification_id
from notification.entrypoints.http import install_error_handlers, notifications_router
from shared import topics
from shared.auth import TokenStore, digest
from shared.contracts import (
    CaseDisposed,
    CaseEvent,
    CaseOpened,
    DeliveryReported,
    DeliveryStatus,
)
from shared.http import install_auth_errors

ROLES = ["admin", "analyst", "skpd:PDAM", "adapter", "notification"]


def token(role: str) -> str:
    return f"token-of-{role}"


@pytest.fixture
def client(app: NotificationApplication) -> TestClient:
    tokens = TokenStore({digest(token(role)): role for role in ROLES})
    api = FastAPI()
    install_auth_errors(api)
    install_error_handlers(api)
    api.include_router(notifications_router(app, tokens))
    return TestClient(api)


@pytest.fixture
def opened(make_case: Callable[..., CaseEvent], process: Callable[..., Any]) -> CaseEvent:
    event = make_case(CaseOpened)
    process(event, make_case(CaseDisposed, skpd_name="PDAM Bandarmasih"))
    return event


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role)}"}


def get(client: TestClient, tracking_id: str, role: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token(role)}"} if role else {}
    return client.get(f"/v1/notifications/{tracking_id}", headers=headers)


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_staff_see_the_messages_sent_for_a_report(
    client: TestClient, opened: CaseEvent, role: str
) -> None:
    response = get(client, opened.tracking_id, role)
    assert response.status_code == 200
    assert [n["template"] for n in response.json()["notifications"]] == [
        "case_opened",
        "case_disposed",
    ]


def test_each_message_shows_its_delivery_status(client: TestClient, opened: CaseEvent) -> None:
    body = get(client, opened.tracking_id, "admin").json()
    assert {n["status"] for n in body["notifications"]} == {"sent"}


def test_the_listing_does_not_show_the_reporter_reference(
    client: TestClient, opened: CaseEvent
) -> None:
    assert "rref-0001" not in get(client, opened.tracking_id, "admin").text


def test_a_lower_case_tracking_id_finds_the_report(client: TestClient, opened: CaseEvent) -> None:
    assert get(client, opened.tracking_id.lower(), "admin").status_code == 200


@pytest.mark.parametrize("role", ["skpd:PDAM", "adapter", "notification"])
def test_other_roles_are_forbidden(client: TestClient, opened: CaseEvent, role: str) -> None:
    assert get(client, opened.tracking_id, role).status_code == 403


def test_a_missing_token_is_unauthenticated(client: TestClient, opened: CaseEvent) -> None:
    assert get(client, opened.tracking_id, None).status_code == 401


def test_a_report_without_messages_is_not_found(client: TestClient) -> None:
    response = get(client, "LPR-NOPE0000", "admin")
    assert (response.status_code, response.json()["detail"]) == (
        404,
        "no notifications for report LPR-NOPE0000",
    )


def test_each_message_lists_its_attempts(
    client: TestClient, opened: CaseEvent, process: Callable[..., Any]
) -> None:
    nid = notification_id(opened.event_id)
    process(
        DeliveryReported(
            occurred_at=opened.occurred_at,
            notification_id=nid,
            channel=opened.channel,
            status=DeliveryStatus.FAILED,
            detail="nomor tidak aktif",
        ),
        topic=topics.DELIVERY,
    )
    first = get(client, opened.tracking_id, "admin").json()["notifications"][0]
    assert first["status"] == "failed" and first["retry_at"] is not None
    assert [(a["attempt"], a["status"], a["detail"]) for a in first["attempts"]] == [
        (1, "failed", "nomor tidak aktif")
    ]


def test_the_admin_lists_failed_deliveries(
    client: TestClient, opened: CaseEvent, process: Callable[..., Any]
) -> None:
    nid = notification_id(opened.event_id)
    report = DeliveryReported(
        occurred_at=opened.occurred_at,
        notification_id=nid,
        channel=opened.channel,
        status=DeliveryStatus.FAILED,
    )
    process(report, topic=topics.DELIVERY)
    response = client.get("/v1/notifications/failed", headers=auth("admin"))
    assert [n["notification_id"] for n in response.json()["notifications"]] == [str(nid)]


def test_only_the_admin_lists_failed_deliveries(client: TestClient) -> None:
    assert client.get("/v1/notifications/failed", headers=auth("analyst")).status_code == 403


def test_a_body_mailbox_is_shown_but_never_a_reporter_reference(
    client: TestClient, make_case: Callable[..., CaseEvent], process: Callable[..., Any]
) -> None:
    event = make_case(CaseDisposed, skpd_code="PDAM", skpd_name="PDAM Bandarmasih")
    process(event)
    body = get(client, event.tracking_id, "admin").json()
    assert sorted((n["audience"], n["mailbox"]) for n in body["notifications"]) == [
        ("reporter", None),
        ("skpd", "pdam@banjarmasinkota.go.id"),
    ]
    assert event.reporter_ref not in str(body)
