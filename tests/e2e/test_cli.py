"""The `lapor` command against the running system, as a user types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.cli.state import DevState
from tests.e2e.conftest import SERVICES, System

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def state_dir(system: System, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dev.json pointing the command line at the test system."""
    folder = tmp_path_factory.mktemp("cli-state")
    urls = {name: system.url(name) for name in SERVICES}
    DevState(kafka_bootstrap_servers=system.kafka, urls=urls, tokens=system.tokens).save(folder)
    return folder


def lapor(state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
    env["LAPOR_STATE_DIR"] = str(state_dir)
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_submit_prints_only_the_tracking_id_and_status_shows_the_body(state_dir: Path) -> None:
    submitted = lapor(
        state_dir,
        "submit",
        "--channel",
        "sms",
        "--phone",
        "+6281234500001",
        "--kecamatan",
        "Banjarmasin Utara",
        "--text",
        "LAPOR lampu jalan mati sepanjang Jl. Kayu Tangi 2 sudah seminggu",
    )
    assert submitted.returncode == 0, submitted.stderr
    tracking_id = submitted.stdout.strip()
    assert tracking_id.startswith("LPR-") and "\n" not in tracking_id
    deadline = time.monotonic() + 60
    while True:
        shown = lapor(state_dir, "status", tracking_id, "--json")
        report = json.loads(shown.stdout) if shown.returncode == 0 else {}
        if (report.get("skpd") or {}).get("code") == "DISPERKIM" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert set(report) == {"tracking_id", "status", "skpd", "events"}
    assert report["skpd"]["code"] == "DISPERKIM"
    assert [e["type"] for e in report["events"]][:2] == ["CaseOpened", "CaseDisposed"]


def test_status_of_an_unknown_tracking_id_exits_1(state_dir: Path) -> None:
    shown = lapor(state_dir, "status", "LPR-00000000")
    assert shown.returncode == 1
    assert "LPR-00000000" in shown.stderr


def test_a_refused_report_prints_its_tracking_id_and_the_reason_on_stderr_and_exits_1(
    state_dir: Path,
) -> None:
    refused = lapor(state_dir, "submit", "--channel", "web", "--text", "!!! ???")
    assert refused.returncode == 1
    assert refused.stdout.strip().startswith("LPR-")
    assert "refused (archived): spam" in refused.stderr


def test_vault_erase_erases_and_an_unknown_id_exits_1(state_dir: Path, system: System) -> None:
    report = {"channel": "web", "message_id": "cli-erase-1", "text": "Sampah menumpuk di TPS"}
    tracking_id = httpx.post(
        f"{system.url('intake')}/v1/reports", json=report, headers=system.auth("adapter")
    ).json()["tracking_id"]
    erased = lapor(state_dir, "vault", "erase", tracking_id)
    assert erased.returncode == 0, erased.stderr
    assert f"{tracking_id}: identity erased at" in erased.stdout
    unknown = lapor(state_dir, "vault", "erase", "LPR-00000000")
    assert unknown.returncode == 1
    assert "404" in unknown.stderr
