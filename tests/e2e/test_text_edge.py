"""Dirty texts at the edge, on PostgreSQL event stores and tracking's PostgreSQL read model.

The defect: a report text with U+0000 was accepted by intake, then tracking's projection failed on
it forever, so no report submitted after it showed in status. Each text here is either normalised
and shown, or dead-lettered with a reason; the report after them shows either way.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.cli.state import DevState
from shared import topics
from tests.e2e.conftest import SERVICES, System
from tests.e2e.test_report_path import poll, public_status, records_about
from tests.kafka_helpers import header, produce, read_topic

pytestmark = pytest.mark.e2e

EMOJI = "\U0001f62d"


def raw_intake(text: str, **fields: Any) -> tuple[bytes, bytes]:
    """A record as a careless adapter writes it: ASCII JSON with escapes a model would refuse."""
    message_id = f"text-{uuid.uuid4()}"
    wire = {
        "event_type": "IntakeMessage",
        "occurred_at": datetime.now(UTC).isoformat(),
        "channel": "sms",
        "message_id": message_id,
        "text": text,
        "reporter": {"phone": f"+62812{uuid.uuid4().int % 10**7:07d}"},
        "location": {"kecamatan": "Banjarmasin Tengah"},
        **fields,
    }
    return f"sms:{message_id}".encode(), json.dumps(wire).encode()


def tracking_id_of(system: System, key: bytes) -> str:
    channel, message_id = key.decode().split(":", 1)
    url = f"{system.url('intake')}/v1/intake/{channel}/{message_id}"

    def answer() -> str | None:
        response = httpx.get(url, headers=system.auth("adapter"), timeout=5)
        if response.status_code == 404:
            return None
        body = response.json()
        assert body["status"] == "accepted", body
        return str(body["tracking_id"])

    return str(poll(answer))


def lapor_status(system: System, folder: Path, tracking_id: str) -> dict[str, Any]:
    """`lapor status --json` as an operator types it, against the test system."""
    urls = {name: system.url(name) for name in SERVICES}
    DevState(kafka_bootstrap_servers=system.kafka, urls=urls, tokens=system.tokens).save(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
    shown = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "status", tracking_id, "--json"],
        env={**env, "LAPOR_STATE_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report: dict[str, Any] = json.loads(shown.stdout)
    return report


def test_dirty_texts_are_normalised_or_dead_lettered_and_the_next_report_still_shows(
    system: System, tmp_path: Path
) -> None:
    shown = {  # sent text -> what status shows
        "Air PDAM mati\u0000 sejak kemarin di Jl. Sultan Adam": (
            "Air PDAM mati sejak kemarin di Jl. Sultan Adam"
        ),
        "Air PDAM keruh \ud800 dan bau\ufffe di Jl. Veteran": (
            "Air PDAM keruh \ufffd dan bau\ufffd di Jl. Veteran"
        ),
        "Pipa PDAM bocor\u0007\u001b[0m\r\ndi Jl. Pramuka\u0085 sudah dua hari": (
            "Pipa PDAM bocor[0m\ndi Jl. Pramuka sudah dua hari"
        ),
        "Air PDAM tidak mengalir ke rumah Pak Andre\u0301 di Kelayan": (
            "Air PDAM tidak mengalir ke rumah Pak Andr\u00e9 di Kelayan"
        ),
    }
    dirty = {
        raw_intake(
            sent,
            title="Air\u0000 mati",
            location={"kecamatan": "Banjarmasin\u0000 Tengah", "address": "Jl.\u0000 Veteran"},
        ): clean
        for sent, clean in shown.items()
    }
    too_long = raw_intake(EMOJI * 4000)
    after = raw_intake("Air PDAM mati lagi di Jl. A. Yani km 3, sudah dua hari")
    asyncio.run(produce(system.kafka, topics.INTAKE, [*dirty, too_long, after]))

    assert public_status(system, tracking_id_of(system, after[0]), "PDAM")["text"].startswith(
        "Air PDAM mati lagi"
    )
    for (key, _), clean in dirty.items():
        status = public_status(system, tracking_id_of(system, key), "PDAM")
        assert (status["text"], status["title"]) == (clean, "Air mati")
        assert status["location"]["kecamatan"] == "Banjarmasin Tengah"
        assert status["location"]["address"] == "Jl. Veteran"
    [letter] = asyncio.run(
        read_topic(
            system.kafka,
            topics.DEADLETTER,
            until=lambda found: len(found) >= 1,
            where=lambda record: record.key == too_long[0],
        )
    )
    assert letter.value == too_long[1]
    assert header(letter, "lapor.dlq.reason") == "invalid-fields"
    assert "at most 12000 bytes of UTF-8" in (header(letter, "lapor.dlq.error") or "")

    first_key = next(iter(dirty))[0]
    tracking_id = tracking_id_of(system, first_key)
    [routed] = records_about(system, topics.skpd_topic("PDAM"), tracking_id, 1)
    action = {
        "event_type": "PostFollowUp",
        "occurred_at": datetime.now(UTC).isoformat(),
        "report_id": json.loads(routed.value)["report_id"],
        "tracking_id": tracking_id,
        "skpd_code": "PDAM",
        "text": "Pipa\u0000 sudah diganti\r\nhari ini \ud83d",
    }
    asyncio.run(
        produce(
            system.kafka,
            topics.skpd_actions_topic("PDAM"),
            [(routed.key, json.dumps(action).encode())],
        )
    )

    def followed_up() -> bool | None:
        response = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=5)
        return response.json()["events"][-1]["type"] == "FollowUpPosted" or None

    poll(followed_up)
    last = lapor_status(system, tmp_path, tracking_id)["events"][-1]
    assert last["description"].endswith(": Pipa sudah diganti\nhari ini \ufffd")


def test_a_url_with_nul_is_422_on_postgresql_not_a_server_error(system: System) -> None:
    tracking = system.url("tracking")
    assert httpx.get(f"{tracking}/v1/reports/LPR-%00ABC", timeout=5).status_code == 422
    stats = httpx.get(
        f"{tracking}/v1/stats?kecamatan=Banjar%00masin", headers=system.auth("analyst"), timeout=5
    )
    assert stats.status_code == 422
