"""What the services did for the load, counted at its start and end: events stored, records moved.

Stored domain events are the rows of every event table (`*_events`, not snapshots, tracking
positions or outboxes) in the four services' stores. Kafka records are counted from the topics'
end offsets: every record a service produced moved an end offset (the load itself, on the intake
topic, is the bench's and is left out), and every record on a topic is consumed once by each
service that reads it (from the services' AsyncAPI documents; a consumer that skips a record by
its header has still fetched it).

Store transactions are PostgreSQL's own count (`pg_stat_database`: commits and rollbacks of each
service's database), so every write, read and relay round of the services counts, and nothing
the services do not send. A server reports a backend's counts at most once a second and an idle
backend's only after ten seconds, so a tally on PostgreSQL first waits `STATS_SETTLE_SECONDS`; the
services' idle rounds in that wait (about one a second each) are counted too.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from aiokafka import AIOKafkaConsumer, TopicPartition
from psycopg import sql

from bench.load import require_loopback
from bench.system import SERVICES
from shared import topics

EVENT_TABLE_SUFFIX = "_events"
STATS_SETTLE_SECONDS = 11.0  # PostgreSQL's PGSTAT_IDLE_INTERVAL (10 s) and a margin


@dataclass(frozen=True)
class Tally:
    """The counts at one moment."""

    stored_events: dict[str, int]  # service -> rows in its event tables
    end_offsets: dict[str, int]  # topic -> sum of its partitions' end offsets
    transactions: dict[str, int] = field(default_factory=dict)  # service -> PostgreSQL's count


def per_report(
    start: Tally,
    end: Tally,
    readers: Mapping[str, set[str]],
    cpu_s: Mapping[str, float],
    accepted: int,
) -> dict[str, float | dict[str, float]]:
    """The three work figures over `accepted` reports (0 when none was accepted)."""
    if accepted <= 0:
        return {"stored_events_per_report": 0.0, "kafka_records_per_report": 0.0}
    stored = {s: end.stored_events.get(s, 0) - start.stored_events.get(s, 0) for s in SERVICES}
    moved = {t: end.end_offsets[t] - start.end_offsets.get(t, 0) for t in end.end_offsets}
    produced = sum(n for t, n in moved.items() if t != topics.INTAKE)
    consumed = sum(n * len(readers.get(t, ())) for t, n in moved.items())
    return {
        "stored_events_per_report": round(sum(stored.values()) / accepted, 2),
        "stored_events_per_report_by_service": {
            s: round(n / accepted, 2) for s, n in stored.items()
        },
        "kafka_records_per_report": round((produced + consumed) / accepted, 2),
        "cpu_ms_per_report": round(sum(cpu_s.values()) * 1000 / accepted, 2),
        **_transactions(start, end, accepted),
    }


def _transactions(start: Tally, end: Tally, accepted: int) -> dict[str, Any]:
    """Store transactions per report, in all and by service (PostgreSQL only)."""
    if not end.transactions:
        return {}
    made = {s: n - start.transactions.get(s, 0) for s, n in end.transactions.items()}
    return {
        "store_transactions_per_report": round(sum(made.values()) / accepted, 2),
        "store_transactions_per_report_by_service": {
            s: round(n / accepted, 2) for s, n in made.items()
        },
    }


def infra_work(cpu_s: Mapping[str, float], accepted: int) -> dict[str, Any]:
    """The servers' CPU over the load, and per accepted report (ms), beside the services' own."""
    if not cpu_s or accepted <= 0:
        return {}
    return {
        "infra_cpu_s": dict(cpu_s),
        "infra_cpu_ms_per_report": round(sum(cpu_s.values()) * 1000 / accepted, 2),
    }


async def tally(kafka: str, instance: str, database_url: str | None, state_dir: Path) -> Tally:
    """Count now: rows in the four stores, end offsets of every lapor topic."""

    def rows(service: str) -> int:
        if database_url:
            return _pg_rows(database_url, f"{instance}_{service}")
        return _sqlite_rows(state_dir / f"{service}-events.sqlite")

    stored = {service: await asyncio.to_thread(rows, service) for service in SERVICES}
    transactions: dict[str, int] = {}
    if database_url:
        await asyncio.sleep(STATS_SETTLE_SECONDS)
        names = {f"{instance}_{service}": service for service in SERVICES}
        found = await asyncio.to_thread(pg_transactions, database_url, list(names))
        transactions = {names[d]: n for d, n in found.items()}
    return Tally(stored, await _end_offsets(kafka), transactions)


async def _end_offsets(kafka: str) -> dict[str, int]:
    require_loopback(kafka)
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        names = [t for t in await consumer.topics() if t.startswith("lapor.")]
        # every lapor topic has the design's partition count (shared.messaging.admin)
        ends = await consumer.end_offsets(
            [TopicPartition(t, p) for t in names for p in range(topics.PARTITIONS)]
        )
        found: dict[str, int] = {}
        for tp, offset in ends.items():
            found[tp.topic] = found.get(tp.topic, 0) + offset
        return found
    finally:
        await consumer.stop()


def conninfo(server_url: str, database: str) -> str:
    url = urlsplit(server_url)
    return str(
        psycopg.conninfo.make_conninfo(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password or "",
            dbname=database,
        )
    )


def pg_transactions(server_url: str, databases: list[str]) -> dict[str, int]:
    """Transactions committed and rolled back in each database so far (the server's count)."""
    with psycopg.connect(conninfo(server_url, "postgres")) as conn:
        rows = conn.execute(
            "SELECT datname, xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = ANY(%s)",
            (databases,),
        ).fetchall()
    return {name: int(count) for name, count in rows}


def _pg_rows(server_url: str, database: str) -> int:
    try:
        conn = psycopg.connect(conninfo(server_url, database))
    except psycopg.OperationalError:  # the service never created its database
        return 0
    with conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.columns "
            "WHERE column_name = 'originator_version' AND table_name LIKE %s",
            (f"%{EVENT_TABLE_SUFFIX}",),
        ).fetchall()
        total = 0
        for schema, table in tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
            row = conn.execute(query).fetchone()
            total += row[0] if row else 0
        return total


def _sqlite_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name.endswith(EVENT_TABLE_SUFFIX)
        ]
        return sum(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables)
