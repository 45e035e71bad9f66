"""Staff who answer for what they do, on the real stack: two named admins, two named PDAM officers.

Tokens come from `lapor tokens issue` (published on `lapor.tokens.v1`, projected by every
service). Admin Sari verifies a held report at intake, admin Budi disposes a triage report at
routing, officer Siti assigns a PDAM report to officer Rudi, who resolves it. The case file
(`GET /v1/cases/{id}`) names who took each step, the case event on `lapor.cases.v1` names the
person, and the public status names none of them. Once revoked, Sari's token is refused at
intake and routing while Budi's still works.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from shared import topics
from tests.e2e.conftest import System
from tests.e2e.test_intake_front import body, phone, post
from tests.e2e.test_report_path import intake_message, submit
from tests.e2e.test_tokens_as_events import lapor
from tests.e2e.walet import texts
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e

SARI, BUDI = "Sari Rahmawati", "Budi Santoso"  # admins
SITI, RUDI = "Siti Rahmah", "Rudi Hartono"  # PDAM officers
# an admin GET per service the admins act at: 200 with a live token, 401 once refused
ADMIN_READS = {"intake": "/v1/held", "routing": "/v1/triage", "tracking": "/v1/stats"}
BODIES = ["DISPERKIM", "DPMPTSP", "PDAM"]  # where the held, triage and water reports end


def _issue(system: System, *people: tuple[str, str]) -> list[str]:
    """Personal tokens from the command line (only the token is printed), issued side by side."""
    with ThreadPoolExecutor(len(people)) as pool:
        issued = [pool.submit(lapor, system, "tokens", "issue", role, "--name", name)
                  for role, name in people]  # fmt: skip
        return [future.result().strip() for future in issued]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _admin_reads(system: System, token: str) -> dict[str, int]:
    """What intake, routing and tracking answer this token's admin read."""
    return {
        name: httpx.get(system.url(name) + path, headers=_bearer(token), timeout=10).status_code
        for name, path in ADMIN_READS.items()
    }


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
    answer = httpx.post(url, json=move, headers=_bearer(token), timeout=10)
    assert answer.status_code == 202, answer.text


def _case_file(system: System, tracking_id: str, headers: dict[str, str]) -> httpx.Response:
    url = f"{system.url('tracking')}/v1/cases/{tracking_id}"
    return httpx.get(url, headers=headers, timeout=10)


# Steps the working-day clock adds on its own. The session's system is shared, and an earlier
# test may have moved tracking's clock weeks ahead, making a held report overdue at once; who
# acted at each human step is what this file proves, so the clock's steps are left out.
CLOCK_STEPS = frozenset({"DeadlineApproaching", "DeadlineMissed", "CaseEscalated"})


def _steps_once(system: System, tracking_id: str, last: str) -> list[Any] | None:
    """The case file's (type, actor) steps once a step of type `last` is on it."""
    found = _case_file(system, tracking_id, system.auth("admin"))
    if found.status_code != 200:
        return None
    steps = [
        (s["type"], s["actor"]) for s in found.json()["timeline"] if s["type"] not in CLOCK_STEPS
    ]
    return steps if last in [kind for kind, _ in steps] else None


def _public(system: System, tracking_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=10)
    return dict(answer.json()) if answer.status_code == 200 else {}


def _mine(system: System, token: str) -> list[str]:
    url = f"{system.url('tracking')}/v1/skpd/PDAM/reports"
    answer = httpx.get(url, params={"assignee": "mine"}, headers=_bearer(token), timeout=10)
    return [item["tracking_id"] for item in answer.json()["items"]]


def _named(people: list[Any]) -> list[Any]:
    return [step for step in people if step[1] is not None]


@pytest.mark.timeout(600)
def test_two_named_admins_and_two_named_officers_each_answer_for_their_step(
    system: System,
) -> None:
    people = [("admin", SARI), ("admin", BUDI), ("skpd:PDAM", SITI), ("skpd:PDAM", RUDI)]
    sari, budi, siti, rudi = _issue(system, *people)
    for admin in (sari, budi):
        _until(lambda admin=admin: set(_admin_reads(system, admin).values()) == {200})
    desk = f"{system.url('tracking')}/v1/skpd/PDAM/reports"
    for officer in (siti, rudi):
        _until(lambda officer=officer: httpx.get(desk, headers=_bearer(officer)).status_code == 200)

    rude = "Petugas goblok, lampu jalan mati di Jl. Kayu Tangi 2 tidak diperbaiki"
    held = post(system, body(rude, phone())).json()
    assert held["status"] == "held", held
    walet = submit(system, intake_message(texts(1, seed=21)[0], phone()))
    water = "Air PDAM tidak mengalir dua hari di Jl. Kuripan gang Amal"
    pdam = submit(system, intake_message(water, phone()))

    # admin Sari verifies the held report at intake
    verify = f"{system.url('intake')}/v1/held/{held['tracking_id']}/verify"
    verified = httpx.post(verify, headers=_bearer(sari), timeout=30)
    assert verified.json()["status"] == "accepted", verified.text

    # admin Budi disposes the report the router left to triage
    triage = f"{system.url('routing')}/v1/triage"

    def waiting() -> list[str]:
        found = httpx.get(triage, headers=_bearer(budi), timeout=10).json()
        return [item["tracking_id"] for item in found]

    _until(lambda: walet in waiting())
    dispose = f"{system.url('routing')}/v1/reports/{walet}/disposition"
    choice = {"skpd_code": "DPMPTSP", "reason": "izin usaha walet"}
    disposed = httpx.post(dispose, json=choice, headers=_bearer(budi), timeout=30)
    assert disposed.status_code == 200, disposed.text

    # officer Siti assigns the PDAM report, reassigns it to Rudi, who resolves it
    _until(lambda: (_public(system, pdam).get("skpd") or {}).get("code") == "PDAM")
    _act(system, pdam, siti, action="assign", assignee=SITI)
    _act(system, pdam, siti, action="assign", assignee=RUDI)
    _until(lambda: _mine(system, rudi) == [pdam])
    _act(system, pdam, rudi, action="acknowledge")
    _until(lambda: _public(system, pdam)["status"] == "Terdisposisi: Sedang Diproses")
    _act(system, pdam, rudi, action="resolve", text="Katup sudah diperbaiki")

    # the case file names each person at their step, and nobody at the machines' steps
    as_sari, as_budi = {"role": "admin", "name": SARI}, {"role": "admin", "name": BUDI}
    as_siti, as_rudi = {"role": "skpd:PDAM", "name": SITI}, {"role": "skpd:PDAM", "name": RUDI}
    resumed = _until(lambda: _steps_once(system, held["tracking_id"], "CaseDisposed"))
    assert [kind for kind, _ in resumed][-3:] == ["CaseHeld", "CaseResumed", "CaseDisposed"]
    assert _named(resumed) == [("CaseResumed", as_sari)]
    triaged = _until(lambda: _steps_once(system, walet, "CaseDisposed"))
    assert [kind for kind, _ in triaged][-2:] == ["CaseAwaitingTriage", "CaseDisposed"]
    assert _named(triaged) == [("CaseDisposed", as_budi)]
    resolved = _until(lambda: _steps_once(system, pdam, "CaseResolved"))
    assert _named(resolved) == [
        ("CaseAssigned", as_siti),
        ("CaseAssigned", as_siti),
        ("CaseAcknowledged", as_rudi),
        ("CaseResolved", as_rudi),
    ]
    assert _case_file(system, pdam, _bearer(rudi)).status_code == 200
    assert _case_file(system, pdam, system.auth("skpd:DLH")).status_code == 403

    # the public status of each report names bodies, never people
    ids = (held["tracking_id"], walet, pdam)
    _until(lambda: [(_public(system, t).get("skpd") or {}).get("code") for t in ids] == BODIES)
    publics = {tracking_id: _public(system, tracking_id) for tracking_id in ids}
    assert "Katup sudah diperbaiki" in str(publics[pdam])
    for person in (*SARI.split(), *BUDI.split(), *SITI.split(), *RUDI.split()):
        assert all(person not in str(found) for found in publics.values()), person

    published = asyncio.run(
        read_topic(
            system.kafka, topics.CASES,
            where=lambda r: bool(r.value) and pdam.encode() in r.value
            and b"CaseAssigned" in r.value,  # other tests leave bad records, a null one too
            until=lambda found: len(found) == 2,
        )
    )  # fmt: skip
    assert [RUDI.encode() in r.value and SITI.encode() in r.value for r in published] == [
        False,
        True,
    ]

    # a revoked admin is refused where admins act; the other admin is not
    assert lapor(system, "tokens", "revoke", sari) == "revoked 1 token(s)\n"
    _until(lambda: set(_admin_reads(system, sari).values()) == {401})
    assert set(_admin_reads(system, budi).values()) == {200}


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
