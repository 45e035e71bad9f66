"""Intake's HTTP front, replies, ratings, duplicates and the vault, on the running system."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest

from shared import topics
from tests.e2e.conftest import System
from tests.e2e.test_report_path import poll
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e

LAT, LON = -3.3290, 114.5890
METRE = 1 / 111_320


def body(text: str, phone: str, channel: str = "sms", **fields: Any) -> dict[str, Any]:
    return {
        "channel": channel,
        "message_id": f"e2e-{uuid.uuid4()}",
        "text": text,
        "reporter": {"name": "Warga Uji", "phone": phone},
        **fields,
    }


def post(system: System, payload: Any, role: str = "adapter") -> httpx.Response:
    return httpx.post(
        f"{system.url('intake')}/v1/reports", json=payload, headers=system.auth(role), timeout=60
    )


def phone() -> str:
    return f"+62813{uuid.uuid4().int % 10**7:07d}"


def reports_about(system: System, tracking_id: str, wanted: set[str]) -> dict[str, Any]:
    """Events on lapor.reports.v1 about a report, by type, once every wanted type is there."""

    def types(found: list[Any]) -> set[str]:
        return {json.loads(r.value)["event_type"] for r in found}

    records = asyncio.run(
        read_topic(
            system.kafka,
            topics.REPORTS,
            until=lambda found: wanted <= types(found),
            where=lambda r: tracking_id.encode() in (r.value or b""),
            timeout=180,
        )
    )
    return {json.loads(r.value)["event_type"]: json.loads(r.value) for r in records}


def test_http_front_answers_201_then_200_and_4xx_for_bad_bodies(system: System) -> None:
    payload = body("Lampu jalan mati di Jl. Kayu Tangi 2 sudah seminggu", phone())
    first = post(system, payload)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "accepted"
    again = post(system, {**payload, "text": "isi lain"})
    assert (again.status_code, again.json()) == (200, first.json())
    assert post(system, [payload]).status_code == 422
    nested = b"[" * 5000 + b"]" * 5000
    deep = httpx.post(
        f"{system.url('intake')}/v1/reports",
        content=nested,
        headers={**system.auth("adapter"), "Content-Type": "application/json"},
        timeout=60,
    )
    assert deep.status_code == 400
    dirty_id = {**body("air mati sejak pagi", phone()), "message_id": "e2e-\u0000"}
    refused = post(system, dirty_id)
    assert (refused.status_code, "message_id" in refused.text) == (422, True)
    nul = post(system, body("air mati\u0000 sejak pagi di gang kami", phone()))
    assert (nul.status_code, nul.json()["status"]) == (201, "accepted"), nul.text
    anonymous = httpx.post(f"{system.url('intake')}/v1/reports", json=payload, timeout=60)
    assert anonymous.status_code == 401
    assert post(system, payload, role="analyst").status_code == 403
    seen = reports_about(system, first.json()["tracking_id"], {"ReportAccepted"})
    assert seen["ReportAccepted"]["channel"] == "sms"


def test_reply_and_rating_from_the_reporter_reach_the_reports_topic(system: System) -> None:
    mine = phone()
    tracking_id = post(system, body("Air PDAM keruh dan bau di Jl. Veteran", mine)).json()[
        "tracking_id"
    ]
    reply = post(system, body(f"{tracking_id} air masih keruh sampai hari ini", mine))
    assert reply.json() == {**reply.json(), "status": "reply", "tracking_id": tracking_id}
    rating = post(system, body(f"NILAI {tracking_id} 4", mine))
    assert rating.json()["status"] == "rating"
    stranger = post(system, body(f"CEK {tracking_id}", phone()))
    assert (stranger.json()["status"], stranger.json()["tracking_id"]) == ("archived", None)
    seen = reports_about(system, tracking_id, {"ReporterReplyReceived", "ReporterRatingReceived"})
    assert seen["ReporterReplyReceived"]["text"] == "air masih keruh sampai hari ini"
    assert seen["ReporterRatingReceived"]["rating"] == 4
    assert "ReporterStatusRequested" not in seen


def test_a_near_and_similar_report_is_linked_as_duplicate(system: System) -> None:
    text = "Pohon tumbang menutup jalan di Jl. Pangeran Antasari dekat jembatan"
    spot = {"latitude": LAT, "longitude": LON}
    first = post(system, body(text, phone(), location=spot)).json()
    near = {"latitude": LAT + 20 * METRE, "longitude": LON}
    again = "Ada pohon besar tumbang menutup jalan Pangeran Antasari dekat jembatan"
    second = post(system, body(again, phone(), location=near)).json()
    assert (second["status"], second["duplicate_of"]) == ("duplicate", first["tracking_id"])
    seen = reports_about(system, second["tracking_id"], {"ReportLinkedAsDuplicate"})
    assert seen["ReportLinkedAsDuplicate"]["duplicate_of_tracking_id"] == first["tracking_id"]


def test_an_skpd_sees_the_contact_only_of_a_report_disposed_to_it(system: System) -> None:
    mine = phone()
    text = "Air PDAM mati sejak kemarin pagi di Jl. Sultan Adam"
    tracking_id = post(system, body(text, mine)).json()["tracking_id"]
    ref = reports_about(system, tracking_id, {"ReportAccepted"})["ReportAccepted"]["reporter_ref"]
    url = f"{system.url('intake')}/v1/vault/{ref}"

    def pdam_sees() -> httpx.Response | None:
        answer = httpx.get(url, headers=system.auth("skpd:PDAM"), timeout=60)
        return answer if answer.status_code == 200 else None

    assert poll(pdam_sees, timeout=180).json()["phone"] == mine
    other = httpx.get(url, headers=system.auth("skpd:DISPERKIM"), timeout=60)
    assert other.status_code == 403
    listed = httpx.get(
        f"{system.url('intake')}/v1/reports/{tracking_id}/identity-look-ups",
        headers=system.auth("admin"),
        timeout=60,
    ).json()
    assert ("skpd:DISPERKIM", "refused") in {(i["role"], i["outcome"]) for i in listed}


def test_a_verified_held_report_goes_on_to_routing(system: System) -> None:
    text = "Petugas goblok, lampu jalan mati di Jl. Kayu Tangi 2 tidak diperbaiki"
    held = post(system, body(text, phone())).json()
    assert held["status"] == "held"
    admin = system.auth("admin")
    queue = httpx.get(f"{system.url('intake')}/v1/held", headers=admin, timeout=60).json()
    assert held["tracking_id"] in [item["tracking_id"] for item in queue]
    verified = httpx.post(
        f"{system.url('intake')}/v1/held/{held['tracking_id']}/verify", headers=admin, timeout=60
    )
    assert verified.json()["status"] == "accepted"

    def disposed() -> dict[str, Any] | None:
        url = f"{system.url('tracking')}/v1/reports/{held['tracking_id']}"
        found = httpx.get(url, timeout=60)
        skpd = found.json().get("skpd") if found.status_code == 200 else None
        return found.json() if skpd else None

    assert poll(disposed, timeout=180)["skpd"]["code"] == "DISPERKIM"
