"""SMS reporters through a real Kannel: bearerbox, smsbox, the operator stand-in and the SMS adapter
as processes beside the four services, on the real broker and PostgreSQL."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from services.cli.sms import adapter_env
from services.local import kannel
from shared import topics
from shared.contracts.outbound import STATUS_LINK_MARK
from tests.e2e.conftest import ROOT, System, spawn, wait_ready
from tests.e2e.test_report_path import poll, public_status, records_about
from tests.infra import free_ports
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e

REPORTER = "+6281234560001"
REFUSED = "+6281234569999"
LEAK = "LAPOR#Kuin Utara#Pipa PDAM bocor di depan SDN Kuin Utara 5, air terbuang sejak kemarin"


@dataclass
class Operator:
    """The operator's side: where MO messages enter and the JSON files of what it received."""

    setup: kannel.KannelSetup
    adapter_url: str

    def send(self, sender: str, text: str, **extra: str) -> None:
        """Deliver one SMS to 1708 as the operator would (Kannel answers `Sent.`)."""
        query = urlencode({"from": sender, "to": kannel.SHORT_CODE, "text": text, **extra})
        answer = httpx.get(f"{self.setup.mo_url}&{query}", timeout=10)
        assert (answer.status_code, answer.text) == (202, "Sent."), answer.text

    def received(self) -> list[dict[str, Any]]:
        files = sorted(self.setup.outbox.glob("*.json"))
        return [json.loads(f.read_text()) for f in files]

    def wait(
        self, wanted: Callable[[dict[str, Any]], bool], count: int = 1
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 60
        while True:
            found = [m for m in self.received() if wanted(m)]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, [m["text"][:60] for m in self.received()]
                return found
            time.sleep(0.2)


def to(number: str, *words: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m["to"] == number and all(w in m["text"] for w in words)


@pytest.fixture(scope="module")
def operator(system: System) -> Iterator[Operator]:
    """Kannel (bearerbox, smsbox), the operator stand-in refusing REFUSED, and the SMS adapter
    (the system's notification keeps no quiet hours and retries within seconds: conftest)."""
    admin, sendsms, box, smsc, standin, adapter_port = free_ports(6)
    adapter_url = f"http://127.0.0.1:{adapter_port}"
    ports = kannel.KannelPorts(admin, sendsms, box, smsc, standin)
    setup = kannel.new_setup(system.folder / "kannel", ports, adapter_url)
    kannel.write(setup)
    spawn_part = functools.partial(_start, system)
    processes = list(kannel.start(setup, sys.executable, [REFUSED], spawn_part).values())
    env = adapter_env(setup, system.url("intake"), system.tokens["adapter"], adapter_port)
    common = {"LAPOR_KAFKA_BOOTSTRAP_SERVERS": system.kafka, "LAPOR_INSTANCE": system.prefix}
    processes.append(spawn(system, "sms-adapter", ["serve", "sms-adapter"], {**env, **common}))
    try:
        try:
            wait_ready(adapter_url, processes[-1])
        except AssertionError:
            raise AssertionError(system.log_tail("sms-adapter")) from None
        _wait_gateway(system, setup, processes[:3])
        yield Operator(setup, adapter_url)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(30)


def _wait_gateway(
    system: System, setup: kannel.KannelSetup, processes: list[subprocess.Popen[bytes]]
) -> None:
    deadline = time.monotonic() + 60
    while not kannel.ready(setup):
        names = ("smsc-operator", "bearerbox", "smsbox")
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            raise AssertionError("\n".join(system.log_tail(n, 800) for n in names))
        time.sleep(0.2)


def _start(system: System, name: str, command: list[str]) -> subprocess.Popen[bytes]:
    log = open(system.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
    env = {"PATH": "/usr/bin:/bin:/usr/sbin", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        command, cwd=system.folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
    )


def tracking_id_in(message: dict[str, Any]) -> str:
    found = re.search(r"Laporan Anda (\S+) telah diterima", message["text"])
    assert found, message["text"]
    return found[1]


def notifications(system: System, tracking_id: str) -> list[dict[str, Any]]:
    url = f"{system.url('notification')}/v1/notifications/{tracking_id}"
    answer = httpx.get(url, headers=system.auth("admin"), timeout=10)
    return list(answer.json()["notifications"]) if answer.status_code == 200 else []


def delivery_reports(system: System, ids: set[str], enough: Callable[[list[Any]], bool]) -> list:
    keys = {i.encode() for i in ids}
    found = asyncio.run(
        read_topic(
            system.kafka,
            topics.DELIVERY,
            until=lambda records: enough([json.loads(r.value) for r in records]),
            where=lambda record: record.key in keys,
            timeout=60,
        )
    )
    return [json.loads(r.value) for r in found]


def test_an_sms_report_reaches_pdam_and_the_reporter_hears_each_step_and_rates_it(
    system: System, operator: Operator
) -> None:
    operator.send(REPORTER, LEAK)
    (received,) = operator.wait(to(REPORTER, "telah diterima"))
    tracking_id = tracking_id_in(received)
    assert received["from"] == kannel.SHORT_CODE
    assert received["parts"] >= 2  # the commands make it longer than one SMS: concatenated
    public_status(system, tracking_id, "PDAM")
    operator.wait(to(REPORTER, tracking_id, "didisposisikan ke Perumda Air Minum"))
    operator.send(REPORTER, f"CEK {tracking_id}")
    operator.wait(to(REPORTER, f"Status laporan {tracking_id}", "ditangani Perumda Air Minum"))

    url = f"{system.url('tracking')}/v1/skpd/PDAM/reports/{tracking_id}/actions"
    move = {"action": "resolve", "text": "Pipa diganti ✅ air mengalir"}
    resolved = httpx.post(url, json=move, headers=system.auth("skpd:PDAM"), timeout=10)
    assert resolved.status_code == 202, resolved.text
    (done,) = operator.wait(to(REPORTER, tracking_id, "diselesaikan", "diganti ✅ air mengalir"))
    assert done["coding"] == "UCS-2" and done["parts"] >= 2  # ✅ is outside GSM-7
    assert not [m for m in operator.received() if STATUS_LINK_MARK in m["text"]]

    operator.send(REPORTER, f"NILAI {tracking_id} 5")
    assert poll(lambda: _rated(system, tracking_id) or None)

    sent = poll(lambda: ((n := _sms(system, tracking_id)) and len(n) >= 3 and n) or None)
    ids = {n["notification_id"] for n in sent}
    reports = delivery_reports(
        system, ids, lambda found: {r["notification_id"] for r in found if _delivered(r)} >= ids
    )
    assert {r["channel"] for r in reports} == {"sms"}
    assert {r["gateway_status"] for r in reports} >= {"accepted", "delivered"}


def _sms(system: System, tracking_id: str) -> list[dict[str, Any]]:
    return [n for n in notifications(system, tracking_id) if n["channel"] == "sms"]


def _delivered(report: dict[str, Any]) -> bool:
    return report.get("gateway_status") == "delivered"


def _rated(system: System, tracking_id: str) -> bool:
    records = records_about(system, topics.CASES, tracking_id, 1)
    return any(json.loads(r.value)["event_type"] == "CaseRated" for r in records)


def test_a_number_the_operator_refuses_ends_failed_and_is_tried_again_until_given_up(
    system: System, operator: Operator
) -> None:
    text = f"Lampu jalan mati di Jl. Kuin Utara gang {uuid.uuid4().hex[:6]}"
    operator.send(REFUSED, f"LAPOR#Kuin Utara#{text}")
    tracking_id = _tracking_id_of(system, text)
    told = poll(lambda: ((found := _sms(system, tracking_id)) and found[0]) or None)
    nid = told["notification_id"]
    reports = delivery_reports(
        system, {nid}, lambda found: {r["attempt"] for r in found if _failed(r)} >= {1, 2, 3, 4}
    )
    failed = [r for r in reports if _failed(r)]
    assert {r["gateway_status"] for r in failed} == {"failed"}
    assert all("ditolak SMSC" in r["detail"] for r in failed)
    gave_up = poll(lambda: _status_of(system, tracking_id, nid, "given-up"))
    assert gave_up["attempt"] == 4  # notification's default: four attempts
    assert not [m for m in operator.received() if m["to"] == REFUSED]


def _failed(report: dict[str, Any]) -> bool:
    return report.get("status") == "failed"


def _tracking_id_of(system: System, text: str) -> str:
    """The report an SMS became, found by its text on the reports topic."""
    found = asyncio.run(
        read_topic(
            system.kafka,
            topics.REPORTS,
            until=lambda records: len(records) >= 1,
            where=lambda record: text.encode() in (record.value or b""),
            timeout=60,
        )
    )
    return str(json.loads(found[0].value)["tracking_id"])


def _status_of(system: System, tracking_id: str, nid: str, status: str) -> Any:
    mine = [n for n in notifications(system, tracking_id) if n["notification_id"] == nid]
    return mine[0] if mine and mine[0]["status"] == status else None


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("to=1708&text=LAPOR+pipa+bocor", 400),
        ("from=%2B6281234560003&text=" + "a" * 10_240, 413),
        ("from=%2B6281234560003&text=Pipa+%FF%FE+bocor&charset=UTF-8", 400),
        ("from=%2B6281234560003&text=%00L%00A%00&coding=2&charset=UTF-16BE", 400),
    ],
    ids=["no-sender", "10-kb", "invalid-utf8", "broken-ucs2"],
)
def test_a_bad_call_at_the_gateway_is_refused_and_nothing_is_recorded(
    system: System, operator: Operator, query: str, status: int
) -> None:
    message_id = str(uuid.uuid4())
    key = operator.setup.callback_key
    url = f"{operator.adapter_url}/v1/kannel/mo?key={key}&id={message_id}&{query}"
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == status
    assert answer.json()["detail"]
    recorded = httpx.get(
        f"{system.url('intake')}/v1/intake/sms/{message_id}", headers=system.auth("adapter")
    )
    assert recorded.status_code == 404


def test_a_web_reporter_who_left_only_a_phone_gets_the_sms_at_the_operator_side(
    system: System, operator: Operator
) -> None:
    phone = "+6281234560042"
    form = {
        "channel": "web",
        "message_id": f"web-{uuid.uuid4().hex[:10]}",
        "title": "Lampu jalan mati",
        "text": f"Lampu jalan mati sepanjang Jl. Kayu Tangi 2 gang {uuid.uuid4().hex[:6]}",
        "location": {"kecamatan": "Banjarmasin Utara"},
        "reporter": {"name": "Rahmat", "phone": phone},
    }
    answer = httpx.post(
        f"{system.url('intake')}/v1/reports", json=form, headers=system.auth("adapter"), timeout=15
    )
    assert answer.status_code in (201, 202), answer.text
    (received,) = operator.wait(to(phone, "telah diterima"))
    assert received["from"] == kannel.SHORT_CODE
    assert "STOP" in received["text"]  # the contact was typed into a form: how to stop them
    assert STATUS_LINK_MARK not in received["text"]
