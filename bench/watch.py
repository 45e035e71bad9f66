"""Watching the stage topics: when did each report enter, reach its SKPD, its case, its reporter.

Times are the records' own timestamps (the producer's clock at send; every producer runs on this
machine), so the watcher's own delay does not enter the figures. A report is followed by its
`report_id` (the record key downstream of intake); its ReportReceived ties that id to the adapter
message by (channel, text), which the generator makes unique.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.generator import CONTENT_EVENTS, Record, fingerprint
from bench.load import require_loopback
from shared import topics
from shared.contracts import Channel
from shared.directory import body_codes

SKPD_TOPICS = frozenset(topics.skpd_topic(code) for code in body_codes())
OUTBOUND_TOPICS = frozenset(topics.outbound_topic(channel) for channel in Channel)


@dataclass
class Journey:
    """The first time (ms since the epoch) a report was seen at each stage."""

    intake: int | None = None
    report_id: str | None = None
    skpd: int | None = None
    case: int | None = None
    outbound: int | None = None


@dataclass
class Watch:
    """Stage times by report; fed records, it needs no broker (the tests feed it)."""

    expected: dict[tuple[str, str], str] = field(default_factory=dict)  # fingerprint -> key
    journeys: dict[str, Journey] = field(default_factory=dict)  # intake key -> journey
    by_report: dict[str, Journey] = field(default_factory=dict)
    early: dict[str, dict[str, int]] = field(default_factory=dict)  # report id -> stage -> time
    deadlettered: int = 0

    def expect(self, records: Iterable[Record]) -> None:
        """Follow these records (malformed ones only enter, they go no further)."""
        for record in records:
            key = record.key.decode()
            self.journeys[key] = Journey()
            if record.fingerprint is not None:
                self.expected[record.fingerprint] = key

    def see(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        ts: int,
        headers: Iterable[tuple[str, bytes]],
    ) -> None:
        """Take one record into account."""
        name = (key or b"").decode(errors="replace")
        if topic == topics.INTAKE:
            journey = self.journeys.get(name)
            if journey is not None and journey.intake is None:
                journey.intake = ts
        elif topic == topics.REPORTS:
            self._received(name, value, dict(headers))
        elif topic == topics.DEADLETTER:
            self.deadlettered += name in self.journeys
        elif topic == topics.CASES:
            self._stage(name, "case", ts)
        elif topic in SKPD_TOPICS:
            self._stage(name, "skpd", ts)
        elif topic in OUTBOUND_TOPICS:
            self._stage(name, "outbound", ts)

    def _received(self, report_id: str, value: bytes | None, headers: dict[str, bytes]) -> None:
        if headers.get("event_type", b"").decode() not in CONTENT_EVENTS or value is None:
            return
        event = json.loads(value)
        if not event.get("channel"):  # an outcome from before F3, without the content
            return
        address = (event.get("location") or {}).get("address") or ""
        intake_key = self.expected.get(fingerprint(event["channel"], address))
        journey = self.journeys.get(intake_key or "")
        if journey is None or journey.report_id is not None:
            return
        journey.report_id = report_id
        self.by_report[report_id] = journey
        for stage, ts in self.early.pop(report_id, {}).items():
            self._stage(report_id, stage, ts)

    def _stage(self, report_id: str, stage: str, ts: int) -> None:
        journey = self.by_report.get(report_id)
        if journey is None:  # seen before its ReportReceived was read (another partition)
            self.early.setdefault(report_id, {}).setdefault(stage, ts)
        elif getattr(journey, stage) is None:
            setattr(journey, stage, ts)

    def completed(self, keys: Iterable[str]) -> int:
        """How many of these reports have reached their reporter."""
        return sum(1 for k in keys if (j := self.journeys.get(k)) and j.outbound is not None)


async def follow(bootstrap_servers: str, watch: Watch, stop: asyncio.Event) -> None:
    """Read every stage topic from the beginning into `watch` until `stop` is set."""
    require_loopback(bootstrap_servers)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    try:
        watched = [topics.INTAKE, topics.REPORTS, topics.CASES, topics.DEADLETTER]
        watched += sorted(SKPD_TOPICS | OUTBOUND_TOPICS)
        consumer.assign([TopicPartition(t, p) for t in watched for p in range(topics.PARTITIONS)])
        await consumer.seek_to_beginning()
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            for tp, records in batches.items():
                for r in records:
                    watch.see(tp.topic, r.key, r.value, r.timestamp, r.headers)
    finally:
        await consumer.stop()
