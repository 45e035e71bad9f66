"""The router learns from the admin's decisions on the real stack; a worse model is refused.

Reports of a kind the built model does not know (swiftlet houses) wait in triage; the admin
disposes 30 of them by hand through routing's API; `lapor routing train --with-decisions` trains,
compares on held-out decisions and installs; the running service picks the new version up without
a restart and routes new reports like them by itself. A model taught wrong labels is refused, and
`lapor routing use 0` brings the built model back.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared import topics
from shared.contracts import ReportAccepted
from shared.messaging import codec
from tests.e2e.conftest import System
from tests.e2e.walet import BODY, texts
from tests.integration.test_routing_broker import report as accepted
from tests.kafka_helpers import produce, read_topic

# Two trainings (about 15 s each on a quiet machine); generous on a busy one.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]


def send(system: System, reports: list[ReportAccepted]) -> None:
    records = [(str(r.report_id).encode(), codec.encode(r)) for r in reports]
    asyncio.run(produce(system.kafka, topics.REPORTS, records, [codec.headers(r) for r in reports]))


def routed(system: System, texts: list[str]) -> dict[str, Any]:
    """Send new reports with these texts; the first routing decision of each, by tracking id."""
    reports = [accepted(text) for text in texts]
    send(system, reports)
    return decisions(system, reports)


def decisions(system: System, reports: list[ReportAccepted]) -> dict[str, Any]:
    """The first routing decision published for each report, by tracking id."""
    keys = {str(r.report_id).encode() for r in reports}
    found = asyncio.run(
        read_topic(
            system.kafka,
            topics.DISPOSITIONS,
            until=lambda got: len({g.key for g in got}) >= len(keys),
            timeout=300,
            where=lambda record: record.key in keys,
        )
    )
    first: dict[str, Any] = {}
    for record in found:
        event = codec.decode(topics.DISPOSITIONS, record.value, 1 << 20)
        first.setdefault(event.tracking_id, event)  # type: ignore[union-attr]
    assert len(first) == len(reports), f"{len(first)} routed: {system.log_tail('routing')}"
    return first


def lapor(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", "routing", *args],
        cwd=system.folder,
        env=system.env("routing"),
        capture_output=True,
        text=True,
        timeout=600,
    )


def wait_for(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.3)


def model_version(system: System) -> int | None:
    response = httpx.get(f"{system.url('routing')}/v1/model", headers=system.auth("admin"))
    response.raise_for_status()
    version: int | None = response.json()["version"]
    return version


@pytest.fixture
def rolled_back(system: System) -> Iterator[None]:
    """Whatever happens, the shared system routes with the built model afterwards."""
    yield
    lapor(system, "use", "0")
    wait_for(lambda: model_version(system) == 0)


def test_the_router_learns_from_30_hand_dispositions_refuses_worse_and_rolls_back(
    system: System, rolled_back: None, tmp_path: Path
) -> None:
    admin = system.auth("admin")
    taught = [accepted(text) for text in texts(30, seed=1)]
    send(system, taught)
    before = decisions(system, taught)
    assert all(e.event_type == "ReportAwaitingTriage" for e in before.values())

    for report in taught:
        url = f"{system.url('routing')}/v1/reports/{report.tracking_id}/disposition"
        answer = httpx.post(
            url, json={"skpd_code": BODY, "reason": "izin usaha walet"}, headers=admin
        )
        assert answer.status_code == 200, answer.text

    trained = lapor(system, "train", "--with-decisions")
    assert trained.returncode == 0, trained.stderr
    installed = int(trained.stderr.split("version ")[-1].split()[0])
    wait_for(lambda: model_version(system) == installed)
    fresh = [t for t in texts(60, seed=2) if t not in texts(30, seed=1)][:10]
    after = routed(system, fresh)
    automatic = [e for e in after.values() if e.event_type == "ReportDisposed"]
    assert all(e.skpd_code == BODY for e in automatic)  # never sent anywhere else on its own
    assert len(automatic) >= 8, [(e.event_type, getattr(e, "reason", "")) for e in after.values()]

    wrong = tmp_path / "wrong.jsonl"
    # the very texts the admin decided, held-out ones included, now said to be DISHUB's: whichever
    # decisions the hash holds out, the new model routes them worse (with fresh texts only, a
    # split that trained on most decisions could outweigh them: it failed once in CI's way)
    contradicting = [*texts(30, seed=1), *fresh] * 6
    rows = [
        {"id": f"w-{i}", "text": t, "expected_skpd": "DISHUB"} for i, t in enumerate(contradicting)
    ]
    wrong.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    refused = lapor(system, "train", "--with-decisions", "--labels", str(wrong))
    assert refused.returncode == 3, refused.stderr
    assert "NOT installed" in refused.stderr
    listed = lapor(system, "models")
    assert f"* {installed} " in listed.stdout, listed.stdout

    rollback = lapor(system, "use", "0")
    assert rollback.returncode == 0, rollback.stderr
    wait_for(lambda: model_version(system) == 0)
    again = routed(system, fresh[:5])
    assert all(e.event_type == "ReportAwaitingTriage" for e in again.values())
