"""POST /v1/reports: one path with the topic, 201/200/202, and a 4xx naming every bad body."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from intake_helpers import (
    PHONE,
    START,
    TEXT,
    Feed,
    FixedClock,
    as_role,
    message,
    published,
    settings,
)

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from shared.runtime import build_app


def body(message_id: str = "h-1", **fields: Any) -> dict[str, Any]:
    """An adapter's body: only the message's own fields (the front fills in the envelope)."""
    return {
        "channel": "web",
        "message_id": message_id,
        "text": TEXT,
        "reporter": {"name": "Budi", "phone": PHONE},
        **fields,
    }


def post(client: TestClient, payload: Any, role: str = "adapter") -> Any:
    return client.post("/v1/reports", json=payload, headers=as_role(role))


def post_raw(client: TestClient, raw: bytes) -> Any:
    headers = {**as_role("adapter"), "Content-Type": "application/json"}
    return client.post("/v1/reports", content=raw, headers=headers)


def test_new_message_answers_201_with_tracking_id_status_and_reason(client: TestClient) -> None:
    answer = post(client, body())
    assert answer.status_code == 201
    found = answer.json()
    assert found["status"] == "accepted"
    assert found["tracking_id"].startswith("LPR-")
    assert found["reason"] is None


def test_same_channel_and_message_id_again_answers_200_with_the_first_outcome(
    client: TestClient,
) -> None:
    first = post(client, body()).json()
    again = post(client, body(text="isi lain sama sekali, bangsat"))
    assert again.status_code == 200
    assert again.json() == first


def test_http_message_and_topic_message_share_one_path(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("h-1", channel="web"))
    answer = post(client, body("h-1"))
    assert answer.status_code == 200
    assert answer.json()["tracking_id"] == app.intake_status("web", "h-1").tracking_id


def test_held_report_answers_201_with_the_reason(client: TestClient) -> None:
    found = post(client, body(text="Petugas goblok tidak mau melayani warga")).json()
    assert found["status"] == "held"
    assert "kata kasar" in found["reason"]


def test_status_of_a_posted_message_is_readable_by_get(client: TestClient) -> None:
    tracking_id = post(client, body()).json()["tracking_id"]
    answer = client.get("/v1/intake/web/h-1", headers=as_role("adapter"))
    assert answer.json()["tracking_id"] == tracking_id


class SlowKeys:
    """A gate before every write that blocks until released (a slow database)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def slow_down(self, write: Callable[[], None]) -> Callable[[], None]:
        def slow() -> None:
            self.release.wait(timeout=30)
            write()

        return slow


def slow_intake(keys: SlowKeys) -> httpx.AsyncClient:
    """An intake whose store is slower than the wait for the outcome."""
    spec = bootstrap(
        settings(submit_wait_seconds=0.05),
        clock=FixedClock(START),
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
    )
    contacts = spec.application.vault.contacts  # flushed first thing in every write
    contacts.flush = keys.slow_down(contacts.flush)  # type: ignore[method-assign]
    transport = httpx.ASGITransport(app=build_app(spec))
    return httpx.AsyncClient(transport=transport, base_url="http://intake")


async def test_slow_outcome_answers_202_with_location_then_get_finds_it() -> None:
    keys = SlowKeys()
    async with slow_intake(keys) as client:
        answer = await client.post("/v1/reports", json=body(), headers=as_role("adapter"))
        assert answer.status_code == 202
        assert answer.headers["Location"] == "/v1/intake/web/h-1"
        keys.release.set()
        found = await poll(client, answer.headers["Location"])
    assert found.json()["status"] == "accepted"


async def test_location_of_a_message_id_with_any_characters_is_usable() -> None:
    keys = SlowKeys()
    async with slow_intake(keys) as client:
        posted = body("pesan é/1?x#2")
        answer = await client.post("/v1/reports", json=posted, headers=as_role("adapter"))
        assert answer.status_code == 202
        keys.release.set()
        found = await poll(client, answer.headers["Location"])
    assert found.json()["message_id"] == "pesan é/1?x#2"


async def poll(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """Ask until the answer is 200 (bounded: the recording thread was released)."""
    for _ in range(500):
        answer = await client.get(url, headers=as_role("adapter"))
        if answer.status_code == 200:
            return answer
        await asyncio.sleep(0.02)
    raise AssertionError("never recorded")


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
    ],
)
def test_unreadable_body_is_400_naming_the_problem(
    client: TestClient, raw: bytes, named: str
) -> None:
    answer = post_raw(client, raw)
    assert answer.status_code == 400
    assert named in answer.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ([body()], "JSON object"),
        ("just a string", "JSON object"),
        ({k: v for k, v in body().items() if k != "text"}, "text"),
        (body(channel="fax"), "channel"),
        (body(text="   "), "text"),
        (body(text="x" * 4001), "text"),
        (body(event_type="ReportAccepted"), "event_type"),
        (body(attachments=[f"https://foto.id/{i}.jpg" for i in range(6)]), "attachments"),
        (body(attachments=["ftp://foto.id/1.jpg"]), "attachments"),
        (body(location={"latitude": 91}), "latitude"),
        (body(reporter={"email": "bukan-email"}), "email"),
        (body(message_id="h-\u0000"), "message_id"),
        (body(occurred_at="kemarin"), "occurred_at"),
    ],
)
def test_invalid_message_is_422_naming_the_field(
    client: TestClient, payload: Any, named: str
) -> None:
    answer = post(client, payload)
    assert answer.status_code == 422
    assert named in json.dumps(answer.json()["detail"])


def test_lone_surrogate_in_an_identifier_is_422_naming_the_field(client: TestClient) -> None:
    raw = json.dumps(body(message_id="h-\\ud800")).replace("\\\\ud800", "\\ud800").encode()
    answer = post_raw(client, raw)
    assert answer.status_code == 422
    assert "message_id" in json.dumps(answer.json()["detail"])


def test_nul_and_lone_surrogate_in_free_text_are_normalised_and_accepted(
    client: TestClient,
) -> None:
    dirty = body(message_id="h-dirty", title="\\ud800 rusak", text="air mati\\u0000 " + TEXT)
    raw = json.dumps(dirty).replace("\\\\ud800", "\\ud800").replace("\\\\u0000", "\\u0000")
    answer = post_raw(client, raw.encode())
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "accepted"


def test_body_over_the_size_limit_is_413(client: TestClient) -> None:
    answer = post_raw(client, json.dumps(body(title="x" * 70_000)).encode())
    assert answer.status_code == 413


def test_without_token_is_401(client: TestClient) -> None:
    assert client.post("/v1/reports", json=body()).status_code == 401


def test_a_role_other_than_adapter_is_403(client: TestClient) -> None:
    assert post(client, body(), role="analyst").status_code == 403


def test_openapi_documents_the_message_body_without_dangling_references(
    client: TestClient,
) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/reports"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"channel", "message_id", "text"} <= set(schema["required"])
    assert "$ref" not in json.dumps(schema)


def test_the_walk_in_officer_an_adapter_posts_is_the_actor_of_the_published_report(
    client: TestClient, app: IntakeApplication
) -> None:
    officer = {"role": "skpd:PDAM", "name": "Rudi Hartono"}
    walk_in = body("loket-1", channel="walk-in", reporter={}, recorded_by=officer)
    assert post(client, walk_in).status_code == 201
    [accepted] = published(app)
    assert accepted.event_type == "ReportAccepted" and accepted.wire()["actor"] == officer


def test_a_staff_token_may_not_post_a_walk_in_report_naming_an_officer(
    client: TestClient, app: IntakeApplication
) -> None:
    officer = {"role": "skpd:PDAM", "name": "Rudi Hartono"}
    walk_in = body("loket-2", channel="walk-in", reporter={}, recorded_by=officer)
    assert post(client, walk_in, role="skpd:PDAM").status_code == 403
    assert published(app) == []
