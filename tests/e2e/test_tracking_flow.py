"""Tracking on the real broker: 335 reports, bodies' systems resolving 331, desks, the moved clock.

The 335 reports come by the walk-in desk and are entered with a receipt day of 2018 (the
Banjarmasin pilot's year) chosen per run, so the analysts' figures for that day and channel are
this run's alone, even on a broker that earlier runs left records on.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.cli.state import DevState
from shared import contracts as c
from shared import topics
from shared.clock import WITA
from shared.messaging import codec
from tests.e2e.conftest import SERVICES, System
from tests.e2e.test_cli import lapor
from tests.e2e.test_report_path import intake_message, submit
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e

REPORTS = 335
RESOLVED = 331
RUN = uuid.uuid4().hex[:8]
DAY = date(2018, 1, 1) + timedelta(days=int(RUN, 16) % 365)
WALK_IN = {"channel": "walk-in", "from": DAY.isoformat(), "to": DAY.isoformat()}
PLACES = (
    ("Banjarmasin Utara", "Jl. Sultan Adam"),
    ("Banjarmasin Selatan", "Jl. Kelayan A"),
    ("Banjarmasin Timur", "Jl. Veteran"),
    ("Banjarmasin Barat", "Jl. Pramuka"),
    ("Banjarmasin Tengah", "Jl. Lambung Mangkurat"),
)
PROBLEMS = (
    ("PDAM", "Air PDAM mati sejak {n} hari di rumah nomor {n} {street}"),
    ("DLH", "Sampah menumpuk di pinggir {street} gang {n}, bau sekali"),
    ("DISPERKIM", "Lampu penerangan jalan umum mati di {street} tiang {n}"),
    ("DPUPR", "Jalan berlubang besar di {street} dekat nomor {n}"),
    ("DISDUKCAPIL", "Pelayanan KTP di disdukcapil lambat, antrean {n} orang dari {street}"),
)


def _walk_in(n: int) -> c.IntakeMessage:
    kecamatan, street = PLACES[n % len(PLACES)]
    _, template = PROBLEMS[n % len(PROBLEMS)]
    received = datetime.combine(DAY, dt_time(9, 0), tzinfo=WITA) + timedelta(seconds=n)
    return c.IntakeMessage(
        occurred_at=datetime.now(UTC),
        received_at=received,
        channel=c.Channel.WALK_IN,
        message_id=f"loket-{uuid.uuid4()}",
        text=f"{template.format(n=n + 1, street=street)} (loket {RUN})",
        location=c.Location(kecamatan=kecamatan),
        reporter=c.Reporter(name=f"Warga {n}", phone=f"+62812{n:07d}"),
    )


async def _send_all(bootstrap: str, items: list[tuple[str, bytes, bytes, Any]]) -> None:
    """Send many records at once and wait until the broker has them all."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    await producer.start()
    try:
        sent = [
            await producer.send(topic, value=value, key=key, headers=headers)
            for topic, key, value, headers in items
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def _until(check: Callable[[], Any], timeout: float = 240.0) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"condition not met in {timeout} s (last: {last})")


def _stats(system: System, **params: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{system.url('tracking')}/v1/stats",
        params=params,
        headers=system.auth("analyst"),
        timeout=60,  # httpx's 5 s default ran out once at load average 20 while 335 reports landed
    )
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def _stats_until(system: System, key: str, value: int, timeout: float = 480.0) -> dict[str, Any]:
    """The walk-in figures once `key` reaches `value`; the last figures seen if never."""
    seen: list[dict[str, Any]] = [{}]

    def reached() -> dict[str, Any] | None:
        seen[0] = _stats(system, **WALK_IN)
        return seen[0] if seen[0][key] == value else None

    try:
        return dict(_until(reached, timeout))
    except AssertionError as error:
        figures = {k: seen[0].get(k) for k in ("total", "received", "resolved", "by_status")}
        raise AssertionError(f"{key} never reached {value}: {figures}") from error


def _routed(system: System, expected: int) -> list[c.ReportRouted]:
    """What the bodies' systems read on their own topics (this module's reports only)."""
    found: list[c.ReportRouted] = []
    for code, _ in PROBLEMS:
        records = asyncio.run(
            read_topic(
                system.kafka,
                topics.skpd_topic(code),
                until=lambda got: len(got) >= expected // len(PROBLEMS),
                where=lambda r: f"loket {RUN}".encode() in (r.value or b""),
                timeout=60,
            )
        )
        found += [c.ReportRouted.model_validate(json.loads(r.value)) for r in records]
    return found


def _resolution(routed: c.ReportRouted) -> list[tuple[str, bytes, bytes, Any]]:
    """A body's system acknowledging and resolving one report on its actions topic."""
    ids = {"report_id": routed.report_id, "tracking_id": routed.tracking_id}
    moves: list[c.SkpdAction] = [
        c.Acknowledge(**ids, occurred_at=datetime.now(UTC), skpd_code=routed.skpd_code),
        c.Resolve(
            **ids, occurred_at=datetime.now(UTC), skpd_code=routed.skpd_code, text="Sudah beres"
        ),
    ]
    topic = topics.skpd_actions_topic(routed.skpd_code)
    key = str(routed.report_id).encode()
    return [(topic, key, codec.encode(m), codec.headers(m)) for m in moves]


@pytest.mark.timeout(600)  # about 95 s on a quiet machine; far more when the machine is shared
def test_335_reports_flow_in_and_the_bodies_systems_resolve_331(system: System) -> None:
    messages = [_walk_in(n) for n in range(REPORTS)]
    asyncio.run(
        _send_all(
            system.kafka,
            [(topics.INTAKE, m.key.encode(), codec.encode(m), codec.headers(m)) for m in messages],
        )
    )
    _stats_until(system, "received", REPORTS)
    routed = _routed(system, REPORTS)
    assert len({r.report_id for r in routed}) == REPORTS
    actions = [record for item in routed[:RESOLVED] for record in _resolution(item)]
    asyncio.run(_send_all(system.kafka, actions))
    stats = _stats_until(system, "resolved", RESOLVED)
    assert (stats["total"], stats["received"], stats["resolved"], stats["in_progress"]) == (
        REPORTS,
        REPORTS,
        RESOLVED,
        REPORTS - RESOLVED,
    )
    answer = httpx.get(
        f"{system.url('tracking')}/v1/stats.csv",
        params=WALK_IN,
        headers=system.auth("analyst"),
        timeout=60,
    )
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [sum(int(row[k]) for row in rows) for k in ("received", "resolved", "in_progress")] == [
        REPORTS,
        RESOLVED,
        REPORTS - RESOLVED,
    ]


def _status(system: System, tracking_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}").json()
    return body


def _disposed_to(system: System, tracking_id: str, code: str) -> None:
    _until(lambda: (_status(system, tracking_id).get("skpd") or {}).get("code") == code)


def _desk(system: System, code: str, tracking_id: str, role: str, **move: Any) -> httpx.Response:
    url = f"{system.url('tracking')}/v1/skpd/{code}/reports/{tracking_id}/actions"
    return httpx.post(url, json=move, headers=system.auth(role), timeout=10)


@pytest.mark.timeout(600)
def test_a_body_acts_over_http_on_its_own_report_and_not_on_anothers(system: System) -> None:
    tracking_id = submit(system, intake_message("Air PDAM keruh di Jl. Cemara", "+628125557001"))
    _disposed_to(system, tracking_id, "PDAM")
    assert _desk(system, "PDAM", tracking_id, "skpd:DLH", action="acknowledge").status_code == 403
    assert _desk(system, "DLH", tracking_id, "skpd:DLH", action="acknowledge").status_code == 403
    assert _desk(system, "PDAM", tracking_id, "skpd:PDAM", action="acknowledge").status_code == 202
    _until(lambda: _status(system, tracking_id)["status"] == "Terdisposisi: Sedang Diproses")
    refused = _desk(system, "PDAM", tracking_id, "skpd:PDAM", action="classify", resolution_days=7)
    assert refused.status_code == 409


def _reply(tracking_id: str, report_id: str) -> c.ReporterReplyReceived:
    now = datetime.now(UTC)
    return c.ReporterReplyReceived(
        report_id=uuid.UUID(report_id),
        tracking_id=tracking_id,
        occurred_at=now,
        received_at=now,
        channel=c.Channel.SMS,
        text="Air masih keruh sampai sekarang",
    )


def _report_id(system: System, tracking_id: str) -> str:
    records = asyncio.run(
        read_topic(
            system.kafka,
            topics.CASES,
            until=lambda got: len(got) >= 1,
            where=lambda r: tracking_id.encode() in (r.value or b""),
        )
    )
    return str(json.loads(records[0].value)["report_id"])


@pytest.mark.timeout(600)
def test_a_reporters_reply_reopens_a_resolved_case(system: System) -> None:
    tracking_id = submit(system, intake_message("Air PDAM mati di Jl. Belitung", "+628125557002"))
    _disposed_to(system, tracking_id, "PDAM")
    assert (
        _desk(
            system, "PDAM", tracking_id, "admin", action="resolve", text="Sudah normal"
        ).status_code
        == 202
    )
    _until(lambda: _status(system, tracking_id)["status"] == "Terdisposisi: Selesai")
    reply = _reply(tracking_id, _report_id(system, tracking_id))
    record = (topics.REPORTS, reply.report_id.bytes, codec.encode(reply), codec.headers(reply))
    asyncio.run(
        _send_all(system.kafka, [(record[0], str(reply.report_id).encode(), record[2], record[3])])
    )
    reopened = _until(
        lambda: (
            (s := _status(system, tracking_id))["status"] == "Terdisposisi: Sedang Diproses" and s
        ),
    )
    assert [e["type"] for e in reopened["events"]][-2:] == ["ReporterReplied", "CaseReopened"]


@pytest.mark.timeout(600)
def test_the_moved_clock_closes_an_answered_case_and_escalates_a_neglected_one(
    system: System,
) -> None:
    answered = submit(system, intake_message("Air PDAM bocor di Jl. Kuripan", "+628125557003"))
    neglected = submit(system, intake_message("Air PDAM mati di Jl. Pekapuran", "+628125557004"))
    for tracking_id in (answered, neglected):
        _disposed_to(system, tracking_id, "PDAM")
    _desk(system, "PDAM", answered, "skpd:PDAM", action="resolve", text="Pipa sudah diganti")
    _until(lambda: _status(system, answered)["status"] == "Terdisposisi: Selesai")
    advanced = httpx.post(
        f"{system.url('tracking')}/v1/test/clock/advance",
        json={"seconds": 21 * 86400},
        headers=system.auth("admin"),
    )
    assert advanced.status_code == 200
    closed = _until(lambda: "CaseClosed" in _types(system, answered))
    assert closed and _status(system, answered)["status"] == "Terdisposisi: Selesai"
    _until(lambda: "CaseEscalated" in _types(system, neglected))
    assert _stats(system)["escalated"] >= 1


def _types(system: System, tracking_id: str) -> list[str]:
    return [event["type"] for event in _status(system, tracking_id)["events"]]


def test_projections_status_and_quarantine_through_the_service(
    system: System, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("projections-cli")
    urls = {name: system.url(name) for name in SERVICES}
    DevState(kafka_bootstrap_servers=system.kafka, urls=urls, tokens=system.tokens).save(folder)
    shown = lapor(folder, "projections", "status")
    assert shown.returncode == 0, shown.stderr
    assert "cases" in shown.stdout
    held = lapor(folder, "projections", "quarantine")
    assert (held.returncode, held.stdout) == (0, "")
    rebuilt = lapor(folder, "projections", "rebuild", "cases")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "cases: rebuilt to position" in rebuilt.stdout
