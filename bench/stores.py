"""What the running services say of themselves: the topics they read, their stores, read model.

The event stores are read with SQL (each service's own PostgreSQL database), the read model
through tracking's analyst API, the subscriptions from each service's AsyncAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg import sql

from bench.system import System

# Domain events whose aggregates the audit counts, by the end of their stored topic.
STORED = {"intake": ":Report.Recorded", "tracking": ":Case.Opened"}


def readers(system: System) -> dict[str, set[str]]:
    """Which services read each topic, from their own AsyncAPI documents."""
    found: dict[str, set[str]] = {}
    for replica in {r.service: r for r in system.replicas}.values():
        doc = _get(f"http://127.0.0.1:{replica.port}/asyncapi.json", {})
        channels = doc["channels"]
        for operation in doc["operations"].values():
            if operation["action"] == "receive":
                channel = channels[operation["channel"]["$ref"].rsplit("/", 1)[-1]]
                found.setdefault(channel["address"], set()).add(replica.service)
    return found


@dataclass
class StoreCounts:
    """Aggregates in the event stores against the read model's totals."""

    stored: dict[str, int] = field(default_factory=dict)  # service -> aggregates counted
    read_model_total: int = -1
    read_model_lag: int = -1
    problems: dict[str, list[str]] = field(default_factory=lambda: {"stores": []})

    def figures(self) -> dict[str, object]:
        return {
            "stored": self.stored,
            "read_model_total": self.read_model_total,
            "read_model_lag": self.read_model_lag,
        }


def store_counts(system: System, server_url: str, reports: int) -> StoreCounts:
    """Reports in intake's store, cases in tracking's and in its read model; each must agree."""
    counts = StoreCounts()
    for service, suffix in STORED.items():
        counts.stored[service] = _aggregates(server_url, f"{system.instance}_{service}", suffix)
    counts.read_model_total, counts.read_model_lag = read_model(system)
    wrong = counts.problems["stores"]
    if counts.stored["intake"] != reports:
        wrong.append(f"intake's store holds {counts.stored['intake']} reports of {reports}")
    if counts.stored["tracking"] != reports:
        wrong.append(f"tracking's store holds {counts.stored['tracking']} cases of {reports}")
    if counts.read_model_total != counts.stored["tracking"]:
        wrong.append(f"the read model counts {counts.read_model_total} cases")
    return counts


def _aggregates(server_url: str, database: str, suffix: str) -> int:
    """Distinct aggregates with a stored event whose topic ends in `suffix`."""
    url = urlsplit(server_url)
    conninfo = psycopg.conninfo.make_conninfo(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        dbname=database,
    )
    with psycopg.connect(conninfo) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.columns "
            "WHERE column_name = 'topic' AND table_name LIKE %s",
            ("%_events",),
        ).fetchall()
        total = 0
        for schema, table in tables:
            query = sql.SQL(
                "SELECT count(DISTINCT originator_id) FROM {} WHERE topic LIKE %s"
            ).format(sql.Identifier(schema, table))
            row = conn.execute(query, (f"%{suffix}",)).fetchone()
            total += row[0] if row else 0
        return total


def read_model(system: System) -> tuple[int, int]:
    """Tracking's read model: cases counted by `/v1/stats`, and its projections' lag."""
    port = next(r.port for r in system.replicas if r.service == "tracking")
    base = f"http://127.0.0.1:{port}"

    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {system.tokens[role]}"}

    stats = _get(f"{base}/v1/stats", auth("analyst"))
    status = _get(f"{base}/v1/projections", auth("admin"))
    return int(stats["total"]), sum(int(p["lag"]) for p in status)


def _get(url: str, headers: dict[str, str], tries: int = 3) -> Any:
    """A JSON answer; a busy machine may take long to build one (tried again on a timeout)."""
    for attempt in range(1, tries + 1):
        try:
            answer = httpx.get(url, headers=headers, timeout=60)
        except httpx.TimeoutException:
            if attempt == tries:
                raise
            continue
        answer.raise_for_status()
        return answer.json()
    raise AssertionError("unreachable")
