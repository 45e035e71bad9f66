"""Staff who answer for what they do, on the real stack: two named PDAM officers.

Tokens come from `lapor tokens issue` (published on `lapor.tokens.v1`, projected by every
service); a report is assigned,
reassigned and resolved over the desk; the case file names who took each step, the case
event on `lapor.cases.v1` names the person, and the public status names none of them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from shared import topics
from tests.e2e.conftest import System
from tests.e2e.test_report_path import intake_message, submit
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e


def _issue(system: System, name: str) -> str:
    """A personal PDAM token from the command line, once tracking accepts it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
    env |= {"LAPOR_KAFKA_BOOTSTRAP_SERVERS": system.kafka, "LAPOR_ACTOR": "Operator Uji"}
    done = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "tokens", "issue", "skpd:PDAM", "--name", name],
        env=env, capture_output=True, text=True, timeout=60, cwd=system.folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    desk = f"{system.url('tracking')}/v1/skpd/PDAM/reports"
    headers = {"Authorization": f"Bearer {token}"}
    _until(lambda: httpx.get(desk, headers=headers, timeout=10).status_code == 200)
    return token


def _until(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("the condition did not hold in time")


def _act(system: System, tracking_id: str, token: str, **move: Any) -> None:
    url = f"{system.url('tracking')}/v1/skpd/PDAM/reports/{tracking_id}/actions"
    answer = httpx.post(url, json=move, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 202, answer.text


def _case_file(system: System, tracking_id: str, headers: dict[str, str]) -> httpx.Response:
    url = f"{system.url('tracking')}/v1/cases/{tracking_id}"
    return httpx.get(url, headers=headers, timeout=10)


def _public(system: System, tracking_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=10)
    return dict(answer.json()) if answer.status_code == 200 else {}


@pytest.mark.timeout(600)
def test_two_named_officers_assign_and_resolve_and_the_case_file_names_them(
    system: System,
) -> None:
    siti, rudi = _issue(system, "Siti Rahmah"), _issue(system, "Rudi Hartono")
    text = "Air PDAM tidak mengalir dua hari di Jl. Kuripan gang Amal"
    tracking_id = submit(system, intake_message(text, "+628125559901"))
    _until(lambda: (_public(system, tracking_id).get("skpd") or {}).get("code") == "PDAM")

    _act(system, tracking_id, siti, action="assign", assignee="Siti Rahmah")
    _act(system, tracking_id, siti, action="assign", assignee="Rudi Hartono")
    _until(lambda: _public(system, tracking_id) and _mine(system, rudi) == [tracking_id])
    _act(system, tracking_id, rudi, action="acknowledge")
    _until(lambda: _public(system, tracking_id)["status"] == "Terdisposisi: Sedang Diproses")
    _act(system, tracking_id, rudi, action="resolve", text="Katup sudah diperbaiki")

    def resolved() -> list[Any] | None:
        found = _case_file(system, tracking_id, system.auth("admin")).json()
        steps = [(s["type"], s["actor"]) for s in found["timeline"]]
        return steps if steps[-1][0] == "CaseResolved" else None

    steps = _until(resolved)
    as_siti = {"role": "skpd:PDAM", "name": "Siti Rahmah"}
    as_rudi = {"role": "skpd:PDAM", "name": "Rudi Hartono"}
    assert [step for step in steps if step[1] is not None] == [
        ("CaseAssigned", as_siti),
        ("CaseAssigned", as_siti),
        ("CaseAcknowledged", as_rudi),
        ("CaseResolved", as_rudi),
    ]
    assert _case_file(system, tracking_id, {"Authorization": f"Bearer {rudi}"}).status_code == 200
    assert _case_file(system, tracking_id, system.auth("skpd:DLH")).status_code == 403

    public = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=10).text
    assert "Katup sudah diperbaiki" in public
    assert "Siti" not in public and "Rudi" not in public

    published = asyncio.run(
        read_topic(
            system.kafka, topics.CASES,
            where=lambda r: bool(r.value) and tracking_id.encode() in r.value
            and b"CaseAssigned" in r.value,  # other tests leave bad records, a null one too
            until=lambda found: len(found) == 2,
        )
    )  # fmt: skip
    assert [b"Rudi Hartono" in r.value and b"Siti Rahmah" in r.value for r in published] == [
        False,
        True,
    ]


def _mine(system: System, token: str) -> list[str]:
    url = f"{system.url('tracking')}/v1/skpd/PDAM/reports"
    answer = httpx.get(
        url, params={"assignee": "mine"}, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return [item["tracking_id"] for item in answer.json()["items"]]


@pytest.mark.timeout(300)
def test_a_walk_in_reports_case_file_names_the_officer_and_the_public_status_does_not(
    system: System,
) -> None:
    """What the walk-in desk sends (IntakeMessage version 3, `recorded_by`, no contact)."""
    message = {
        "channel": "walk-in", "message_id": f"loket-{time.time_ns()}",
        "text": "Warga datang ke kantor: lampu jalan mati di Jl. Belitung Darat",
        "reporter": {}, "recorded_by": {"role": "skpd:PDAM", "name": "Siti Rahmah"},
    }  # fmt: skip
    answer = httpx.post(
        f"{system.url('intake')}/v1/reports", json=message, headers=system.auth("adapter"),
        timeout=30,
    )  # fmt: skip
    assert answer.status_code in (201, 202), answer.text
    status = f"{system.url('intake')}/v1/intake/walk-in/{message['message_id']}"

    def recorded() -> str | None:
        found = httpx.get(status, headers=system.auth("adapter"), timeout=10)
        return found.json().get("tracking_id") if found.status_code == 200 else None

    tracking_id = _until(recorded)
    _until(lambda: _public(system, tracking_id).get("channel") == "walk-in")

    def first_step() -> dict[str, Any] | None:
        found = _case_file(system, tracking_id, system.auth("admin"))
        return found.json()["timeline"][0] if found.status_code == 200 else None

    step = _until(first_step)
    assert (step["type"], step["actor"]) == ("CaseOpened", message["recorded_by"])
    public = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=10).text
    assert "Siti" not in public and "Rahmah" not in public
