"""Kannel's calls to the adapter (get-url, dlr-url) through the real router; intake and the vault
over HTTP as they answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_from_bytes
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from services.adapters.sms.adapter import SmsAdapter
from services.adapters.sms.http import Inbound, kannel_router
from services.adapters.sms.intake import IntakeRefused, IntakeUnavailable
from services.adapters.sms.kannel import dlr_url
from shared.clock import FixedClock
from shared.contracts import DeliveryReported, IntakeMessage

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
KEY = "kunci-kannel"


class FakeIntake:
    def __init__(self, answer: dict[str, Any] | Exception | None = None) -> None:
        self.answer = answer or {"status": "accepted", "tracking_id": "BJM-7"}
        self.received: list[IntakeMessage] = []

    async def submit(self, message: IntakeMessage) -> dict[str, Any]:
        if isinstance(self.answer, Exception):
            raise self.answer
        self.received.append(message)
        return self.answer


class Published(list[DeliveryReported]):
    async def __call__(self, report: DeliveryReported) -> None:
        self.append(report)


def client_for(intake: FakeIntake, published: Published) -> TestClient:
    adapter = SmsAdapter(None, None, FixedClock(NOW), "http://sms", KEY)  # type: ignore[arg-type]
    inbound = Inbound(intake, adapter, published, FixedClock(NOW), KEY, 4096)
    app = FastAPI()
    app.include_router(kannel_router(inbound))
    return TestClient(app)


@pytest.fixture
def intake() -> FakeIntake:
    return FakeIntake()


@pytest.fixture
def published() -> Published:
    return Published()


def mo(client: TestClient, query: str) -> httpx.Response:
    return client.get(f"/v1/kannel/mo?key={KEY}&{query}")


def test_an_sms_from_kannel_is_posted_to_intake_as_the_senders_report(
    intake: FakeIntake, published: Published
) -> None:
    answer = mo(
        client_for(intake, published),
        "from=%2B6281234560001&to=1708&text=LAPOR%23Kuin+Utara%23Pipa+bocor&coding=0"
        "&charset=UTF-8&id=3f1e2d4c-1111-4a2b-9c3d-aabbccddeeff",
    )
    assert (answer.status_code, answer.json()) == (
        200,
        {"status": "accepted", "tracking_id": "BJM-7"},
    )
    (message,) = intake.received
    assert (message.channel.value, message.reporter.phone) == ("sms", "+6281234560001")
    assert (message.text, message.message_id) == (
        "LAPOR#Kuin Utara#Pipa bocor",
        "3f1e2d4c-1111-4a2b-9c3d-aabbccddeeff",
    )


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("to=1708&text=hai", 400),
        ("from=%2B628123456&text=" + "a" * 10_240, 413),
        ("from=%2B628123456&text=Pipa+%FF+bocor", 400),
        ("from=%2B628123456&text=%00L%00A%00&coding=2&charset=UTF-16BE", 400),
        ("from=%2B628123456&text=%D8%3D%00a&coding=2&charset=UTF-16BE", 400),
    ],
    ids=["no-sender", "10-kb", "invalid-utf8", "odd-ucs2", "lone-surrogate"],
)
def test_bad_input_is_refused_clearly_and_nothing_reaches_intake(
    intake: FakeIntake, published: Published, query: str, status: int
) -> None:
    answer = mo(client_for(intake, published), query)
    assert answer.status_code == status
    assert answer.json()["detail"]
    assert intake.received == []


def test_a_call_without_the_key_is_refused(intake: FakeIntake, published: Published) -> None:
    client = client_for(intake, published)
    assert client.get("/v1/kannel/mo?from=%2B628123456&text=hai").status_code == 403
    assert intake.received == []


def test_intakes_refusal_is_passed_on_and_its_absence_asks_kannel_to_call_again(
    published: Published,
) -> None:
    refused = FakeIntake(IntakeRefused(422, [{"loc": ["text"], "msg": "too long"}]))
    unavailable = FakeIntake(IntakeUnavailable("ConnectError"))
    query = "from=%2B628123456&text=hai"
    assert mo(client_for(refused, published), query).status_code == 422
    assert mo(client_for(unavailable, published), query).status_code == 503


def test_a_delivery_report_becomes_delivery_reported(
    intake: FakeIntake, published: Published
) -> None:
    nid = str(uuid4())
    url = dlr_url("http://sms", KEY, nid, 2).replace("%d", "1").replace("%A", "stat%3ADELIVRD")
    answer = client_for(intake, published).get(url.removeprefix("http://sms"))
    assert (answer.status_code, answer.json()) == (200, {"status": "delivered"})
    (report,) = published
    assert (str(report.notification_id), report.attempt, report.gateway_status) == (
        nid,
        2,
        "delivered",
    )
    assert "stat:DELIVRD" in report.detail


@pytest.mark.parametrize(
    ("change", "status"),
    [(("sig=", "sig=0"), 403), (("status=%d", "status=3"), 422), (("nid=", "nid=x"), 422)],
    ids=["forged", "unknown-status", "bad-id"],
)
def test_a_forged_or_unreadable_delivery_report_publishes_nothing(
    intake: FakeIntake, published: Published, change: tuple[str, str], status: int
) -> None:
    url = dlr_url("http://sms", KEY, str(uuid4()), 1).replace(*change).replace("%d", "8")
    answer = client_for(intake, published).get(url.removeprefix("http://sms"))
    assert answer.status_code == status
    assert list(published) == []


PARAMS = ["from", "to", "text", "coding", "charset", "id", "time", "key"]


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(PARAMS), st.binary(max_size=64) | st.text(max_size=64), max_size=8
    )
)
def test_any_get_url_call_is_recorded_or_refused_with_a_reason_never_a_crash(
    fields: dict[str, bytes | str],
) -> None:
    intake, published = FakeIntake(), Published()
    query = "&".join(
        f"{name}={quote_from_bytes(v if isinstance(v, bytes) else v.encode())}"
        for name, v in {"key": KEY, **fields}.items()
    )
    answer = client_for(intake, published).get(f"/v1/kannel/mo?{query}")
    assert answer.status_code in (200, 400, 403, 413, 415, 422), answer.text
    assert (answer.status_code == 200) == bool(intake.received)
