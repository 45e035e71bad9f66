"""Anonymity that really holds: a reporter's identity appears nowhere outside intake, and after
an erasure nowhere in intake's readable state either."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from psycopg import sql

from shared import topics
from tests.e2e.conftest import System
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e

IDENTITY_TOPICS = {topics.INTAKE, topics.DEADLETTER}


def identity() -> dict[str, str]:
    """A name, phone and e-mail no other test uses."""
    tag = uuid.uuid4().hex[:10]
    return {
        "name": f"Rahmatullah Zq{tag}",
        "phone": f"+62819{uuid.uuid4().int % 10**7:07d}",
        "email": f"pelapor.{tag}@contoh.id",
    }


def needles(who: dict[str, str]) -> list[bytes]:
    """Each personal field as text and as PostgreSQL shows bytes (hex)."""
    plain = [who["name"], who["phone"], who["phone"].lstrip("+"), who["email"]]
    return [p.encode() for p in plain] + [p.encode().hex().encode() for p in plain]


def submit(system: System, text: str, who: dict[str, str], **flags: bool) -> str:
    payload = {
        "channel": "email",
        "message_id": f"privacy-{uuid.uuid4()}",
        "text": text,
        "reporter": who,
        **flags,
    }
    answer = httpx.post(
        f"{system.url('intake')}/v1/reports",
        json=payload,
        headers=system.auth("adapter"),
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["tracking_id"])


def wait_until(check: Any, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.3)


async def every_record(bootstrap: str) -> dict[str, list[bytes]]:
    """Key, value and headers of every record of every topic but the identity ones."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()
        names = [t for t in cluster.topics() if t not in IDENTITY_TOPICS and not t.startswith("_")]
        parts = [TopicPartition(t, p) for t in names for p in cluster.partitions_for_topic(t) or ()]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: dict[str, list[bytes]] = {t: [] for t in names}
        while await _behind(consumer, ends):
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                for r in records:
                    headers = b"".join(k.encode() + bytes(v) for k, v in r.headers or ())
                    found[tp.topic].append((r.key or b"") + (r.value or b"") + headers)
        return found
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False


def database_rows(system: System, database: str) -> list[bytes]:
    """Every row of every table of one database, as JSON text."""
    url = urlsplit(system.database_url)
    with psycopg.connect(urlunsplit(url._replace(path=f"/{database}")), autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
            "AND table_type = 'BASE TABLE'"
        ).fetchall()
        rows: list[bytes] = []
        for schema, table in tables:
            query = sql.SQL("SELECT row_to_json(t)::text FROM {}.{} t").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            rows += [row[0].encode() for row in conn.execute(query)]
        return rows


def databases(system: System) -> list[str]:
    with psycopg.connect(system.database_url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{system.prefix}_%",)
        ).fetchall()
    return [row[0] for row in found]


def leaks(haystack: dict[str, list[bytes]], secrets: list[bytes]) -> list[str]:
    return [
        f"{place}: {s!r}"
        for place, items in haystack.items()
        for s in secrets
        for item in items
        if s in item
    ]


def public_status(system: System, tracking_id: str) -> dict[str, Any] | None:
    answer = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=60)
    return answer.json() if answer.status_code == 200 else None


def reporter_ref(system: System, tracking_id: str) -> str:
    found = asyncio.run(every_record(system.kafka))[topics.REPORTS]
    for record in found:
        if tracking_id.encode() in record and b'"ReportAccepted"' in record:
            start = record.index(b"{")
            return str(json.loads(record[start : record.rindex(b"}") + 1])["reporter_ref"])
    raise AssertionError(f"no ReportAccepted for {tracking_id}")


def test_identity_appears_nowhere_outside_intake_and_nowhere_after_erasure(
    system: System,
) -> None:
    anonim, rahasia = identity(), identity()
    reports = {
        submit(system, "Air PDAM mati tiga hari di Jl. Sultan Adam", anonim, anonim=True): anonim,
        submit(system, "Lampu jalan mati di Jl. Kayu Tangi 2", rahasia, rahasia=True): rahasia,
    }
    for tracking_id in reports:
        wait_until(lambda t=tracking_id: (public_status(system, t) or {}).get("skpd"))
        told = asyncio.run(
            read_topic(
                system.kafka,
                topics.outbound_topic("email"),
                until=lambda found: len(found) >= 1,
                where=lambda r, t=tracking_id: t.encode() in (r.value or b""),
                timeout=180,
            )
        )
        assert told, f"notification never wrote to the reporter of {tracking_id}"
    secrets = [n for who in reports.values() for n in needles(who)]
    records = asyncio.run(every_record(system.kafka))
    outside = [d for d in databases(system) if not d.endswith("_intake")]
    rows = {d: database_rows(system, d) for d in outside}
    ids = [n for t in reports for n in (t.encode(), t.encode().hex().encode())]
    seen_in = {place.split(":")[0] for place in leaks(rows, ids)}
    assert len(leaks(records, ids)) > 2 and len(seen_in) >= 2  # the scans do see the reports
    assert leaks(records, secrets) == []
    assert leaks(rows, secrets) == []
    logs = {
        s: [system.log_tail(s, 10**8).encode()] for s in ("routing", "tracking", "notification")
    }
    assert leaks(logs, secrets) == []

    refs = {t: reporter_ref(system, t) for t in reports}
    vault = f"{system.url('intake')}/v1/vault/"
    for tracking_id, who in reports.items():
        seen = httpx.get(vault + refs[tracking_id], headers=system.auth("notification"), timeout=60)
        assert seen.json()["email"] == who["email"]  # recoverable before the erasure
        erased = httpx.delete(
            f"{system.url('intake')}/v1/reports/{tracking_id}/identity",
            headers=system.auth("admin"),
            timeout=60,
        )
        assert erased.status_code == 200
        gone = httpx.get(vault + refs[tracking_id], headers=system.auth("notification"), timeout=60)
        assert gone.status_code == 410
    intake_db = f"{system.prefix}_intake"
    assert leaks({intake_db: database_rows(system, intake_db)}, secrets) == []
