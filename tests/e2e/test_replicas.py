"""Two replicas of every service in one consumer group: the results of one, the work shared.

The run has a broker of its own: topic names are fixed, so a second system on the session broker
would read (and answer) the session system's records. PostgreSQL is the session's (databases
are per instance).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.generator import Generator, Record
from bench.load import publish
from bench.system import SERVICES, System
from shared import topics
from shared.contracts import IntakeMessage
from shared.messaging import codec
from shared.messaging.admin import ensure_topics, project_topics
from tests.infra import LocalKafka

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

REPORTS = 200  # one in twenty malformed
STATUS_REQUESTS = 20  # "CEK <id>" from the reporters of the first reports
AFTER_TAKEOVER = 10
WAIT = 300.0
ASSIGNED = re.compile(r"partitions-assigned\s+group=(\S+)\s+partitions='?([^']*)'?")
PARTITION = re.compile(r"(\S+):(\d+)")


@dataclass
class Seen:
    """Every record of the project's topics this run produced, by topic."""

    records: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    def events(self, topic: str, event_type: str) -> list[dict[str, Any]]:
        found = []
        for r in self.records[topic]:
            if dict(r.headers or ()).get("event_type") == event_type.encode():
                found.append(json.loads(r.value))
        return found

    def outbound(self, template: str) -> list[dict[str, Any]]:
        found = []
        for channel_topic in {t for t in self.records if t.startswith("lapor.outbound.")}:
            found += [e for e in self.events(channel_topic, "OutboundMessage")]
        return [e for e in found if e["template"] == template]


async def _follow(kafka: str, seen: Seen, stop: asyncio.Event) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        names = project_topics()
        consumer.assign([TopicPartition(t, p) for t in names for p in range(topics.PARTITIONS)])
        await consumer.seek_to_beginning()
        while not stop.is_set():
            for tp, batch in (await consumer.getmany(timeout_ms=200, max_records=5000)).items():
                seen.records[tp.topic].extend(batch)
    finally:
        await consumer.stop()


async def _until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout:.0f} s: {what}")
        await asyncio.sleep(0.3)


def _status_request(record: Record, tracking_id: str, n: int) -> Record:
    """`CEK <id>` from the report's own reporter on its own channel."""
    original = IntakeMessage.model_validate_json(record.value)
    asked = original.model_copy(
        update={"message_id": f"{original.message_id}-cek-{n}", "text": f"CEK {tracking_id}"}
    )
    return Record(asked.key.encode(), codec.encode(asked), codec.headers(asked), None)


def _stats_total(system: System, tracking: int) -> int:
    answer = httpx.get(
        f"http://127.0.0.1:{tracking}/v1/stats",
        headers={"Authorization": f"Bearer {system.tokens['analyst']}"},
        timeout=10,
    )
    answer.raise_for_status()
    return int(answer.json()["total"])


@dataclass
class Run:
    """What two replicas of each service made of the load."""

    system: System
    seen: Seen
    good: list[Record]
    malformed: list[Record]
    stats_total: int
    late: list[Record]
    ended_at: str  # UTC, as the logs write it: stopping the system may hand a lease on after it


@pytest.fixture(scope="module")
def own_kafka() -> Iterator[str]:
    """A broker for this module alone."""
    try:
        local = LocalKafka(stop_timeout=2).start()  # its data is thrown away: no need to wait
    except Exception as error:
        if os.environ.get("CI"):
            pytest.fail(f"Kafka is not available: {error}", pytrace=False)
        pytest.skip(f"Kafka is not available: {error}")
    try:
        yield local.bootstrap_servers
    finally:
        local.stop()


@pytest.fixture(scope="module")
def run(own_kafka: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Two replicas per service; the load, status requests; then the intake leader killed."""
    return asyncio.run(_run(own_kafka, postgres_url, tmp_path_factory.mktemp("replicas")))


async def _run(kafka: str, database: str, folder: Path) -> Run:
    await ensure_topics(kafka)
    system = System(kafka, database, folder, f"rep{uuid.uuid4().hex[:8]}")
    seen, stop = Seen(), asyncio.Event()
    following = asyncio.create_task(_follow(kafka, seen, stop))
    try:
        await asyncio.to_thread(system.start, 2)
        return await _drive(system, seen, kafka)
    finally:
        stop.set()
        await asyncio.gather(following, return_exceptions=True)
        await asyncio.to_thread(system.stop)


async def _drive(system: System, seen: Seen, kafka: str) -> Run:
    generator = Generator(uuid.uuid4().hex[:6], malformed_share=0.05)
    load = generator.records(REPORTS)
    good = [r for r in load if r.fingerprint is not None]
    malformed = [r for r in load if r.fingerprint is None]
    await publish(kafka, topics.INTAKE, load)
    received = lambda: seen.events(topics.REPORTS, "ReportAccepted")  # noqa: E731
    await _until(lambda: len({e["report_id"] for e in received()}) >= len(good), "received")
    by_address = {e["location"]["address"]: e["tracking_id"] for e in received()}
    asked = [
        _status_request(r, by_address[r.fingerprint[1]], n)
        for n, r in enumerate(good[:STATUS_REQUESTS])
        if r.fingerprint is not None
    ]
    await publish(kafka, topics.INTAKE, asked)
    await _until(lambda: len(seen.outbound("case_opened")) >= len(good), "a reply per reporter")
    await _until(lambda: len(seen.outbound("case_status")) >= len(asked), "status answers")
    dead = lambda: seen.records[topics.DEADLETTER]  # noqa: E731
    await _until(lambda: len(dead()) >= len(malformed), "dead letters")
    tracking = next(r.port for r in system.replicas if r.service == "tracking")
    await _until(lambda: _stats_total(system, tracking) >= len(good), "the read model")
    late = await _after_the_intake_leader_dies(system, seen, generator, kafka)
    await asyncio.sleep(3)  # late copies, were there any, would show now
    total = _stats_total(system, tracking)
    ended_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return Run(system, seen, good, malformed, total, late, ended_at)


async def _after_the_intake_leader_dies(
    system: System, seen: Seen, generator: Generator, kafka: str
) -> list[Record]:
    """SIGKILL the replica relaying intake's events; the standby must take over."""
    [leader] = [r for r in system.replicas if r.service == "intake" and _leads(system, r)]
    leader.process.kill()
    leader.process.wait(30)
    late = [generator.report(REPORTS + n) for n in range(AFTER_TAKEOVER)]
    await publish(kafka, topics.INTAKE, late)
    wanted = {r.fingerprint[1] for r in late if r.fingerprint is not None}

    def through() -> bool:
        got = {e["location"]["address"] for e in seen.events(topics.REPORTS, "ReportAccepted")}
        return wanted <= got

    await _until(through, "reports after the intake leader died", timeout=120)
    return late


def _log(system: System, replica: Any) -> str:
    wave = [r for r in system.replicas if r.service == replica.service].index(replica)
    return (system.folder / f"{replica.service}-{wave}.log").read_text(errors="replace")


def _leads(system: System, replica: Any, before: str = "9") -> bool:
    """Whether the replica logged that it leads (before a moment, if given: logs start with it)."""
    return any("] leading" in line and line < before for line in _log(system, replica).splitlines())


def _assignments(log: str) -> dict[str, set[tuple[str, int]]]:
    """The partitions each consumer group of a replica held last."""
    last: dict[str, set[tuple[str, int]]] = {}
    for line in log.splitlines():
        found = ASSIGNED.search(line)
        if found:
            last[found[1]] = {(t, int(p)) for t, p in PARTITION.findall(found[2])}
    return last


def _distinct(events: list[dict[str, Any]], key: str) -> Counter[str]:
    """How many different events (by event id) each key has."""
    ids: dict[str, set[str]] = defaultdict(set)
    for e in events:
        ids[str(e[key])].add(e["event_id"])
    return Counter({k: len(v) for k, v in ids.items()})


def test_every_accepted_report_has_exactly_one_case(run: Run) -> None:
    received = run.seen.events(topics.REPORTS, "ReportAccepted")
    opened = run.seen.events(topics.CASES, "CaseOpened")
    expected = len(run.good) + len(run.late)
    assert len(_distinct(received, "report_id")) == expected
    per_report = _distinct(opened, "report_id")
    assert len(per_report) == expected and set(per_report.values()) == {1}


def test_every_reporter_hears_once_that_the_report_was_received(run: Run) -> None:
    per_report = Counter(str(e["report_id"]) for e in run.seen.outbound("case_opened"))
    notifications = {e["notification_id"] for e in run.seen.outbound("case_opened")}
    assert len(per_report) == len(run.good) + len(run.late)
    assert len(notifications) == len(per_report)  # one effect each; a copy repeats its id


def test_each_status_request_is_answered_once_and_opens_no_case(run: Run) -> None:
    asked = run.seen.events(topics.REPORTS, "ReporterStatusRequested")
    assert len({e["event_id"] for e in asked}) == STATUS_REQUESTS
    answers = {e["notification_id"] for e in run.seen.outbound("case_status")}
    assert len(answers) == STATUS_REQUESTS


def test_the_read_model_totals_equal_the_cases_recorded(run: Run) -> None:
    opened = {e["report_id"] for e in run.seen.events(topics.CASES, "CaseOpened")}
    assert run.stats_total == len(opened)


def test_each_malformed_record_is_dead_lettered_exactly_once_and_nothing_else(run: Run) -> None:
    dead = run.seen.records[topics.DEADLETTER]
    sources = Counter(
        (h[b"lapor.dlq.service"], h[b"lapor.dlq.source.partition"], h[b"lapor.dlq.source.offset"])
        for h in ({k.encode(): v for k, v in r.headers} for r in dead)
    )
    assert len(dead) == len(run.malformed) == len(sources)
    assert {r.key for r in dead} == {r.key for r in run.malformed}
    assert {service for service, _, _ in sources} == {b"intake"}


def test_both_replicas_of_each_service_hold_partitions_and_one_leads(run: Run) -> None:
    for service in SERVICES:
        replicas = [r for r in run.system.replicas if r.service == service]
        held = [_assignments(_log(run.system, r)) for r in replicas]
        groups = set(held[0]) | set(held[1])
        main = f"{run.system.instance}-{service}-"
        assert any(g.startswith(main) for g in groups), f"{service}: no assignment logged"
        for group in groups:
            assert held[0].get(group) and held[1].get(group), f"{group} not shared by both"
        if service != "intake":  # intake's leader was killed on purpose
            assert sum(_leads(run.system, r, before=run.ended_at) for r in replicas) == 1, service


def test_the_standby_took_over_when_the_leader_died(run: Run) -> None:
    intake = [r for r in run.system.replicas if r.service == "intake"]
    assert [_leads(run.system, r) for r in intake] == [True, True]  # the survivor leads now
