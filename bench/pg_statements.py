"""PostgreSQL's own cost per statement under a bench load (`lapor bench --pg-statements PATH`).

A scratch run only: the bench's server is started with `pg_stat_statements` preloaded (it hashes
and counts every statement, a cost no ordinary run pays), the counts are reset when the measured
load starts and read when the last report is through, so the warm-up, the raw pipe and the
bench's own tallies are left out. Statements are grouped by what they do (`kind_of`: a write's
parts, the relay's round, the tracking read, the projector's, idle looks) and by service, each
with its calls and server time per report; the same rows by query text are kept as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg

from bench.work import conninfo

# Every size of a multi-row VALUES list is a statement of its own: room for many.
SERVER_OPTIONS = (
    "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=20000 "
    "-c pg_stat_statements.track_planning=on"
)
TEXT_CHARS = 160  # of a statement's normalised text in the table

# What a statement does, from its normalised text: the first pattern that matches names it.
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE | re.DOTALL))
    for kind, pattern in (
        ("begin", r"^\s*BEGIN"),
        ("commit", r"^\s*COMMIT"),
        ("rollback", r"^\s*ROLLBACK"),
        ("set local", r"^\s*SET\s"),
        ("lock table", r"^\s*LOCK\s+TABLE"),
        ("notify", r"^\s*NOTIFY"),
        ("listen", r"^\s*LISTEN"),
        ("tracking upsert", r"^\s*WITH t AS \(INSERT INTO \S*_tracking\W"),
        ("relay read (outbox rows)", r"^\s*SELECT id, topic, key, headers, value FROM \S*_outbox"),
        ("outbox head", r"^\s*SELECT MAX\(id\) AS head FROM \S*_outbox"),
        ("prune (outbox delete)", r"^\s*DELETE FROM \S*_outbox"),
        ("position read", r"^\s*SELECT .*FROM \S*_tracking\W"),
        ("projector: log read", r"^\s*SELECT \* FROM \S*_events\W+WHERE notification_id"),
        ("projector: position claim", r"^\s*SELECT .*FROM projection_position .*FOR UPDATE"),
        ("projector: position advance", r"^\s*UPDATE projection_position"),
        ("projector: rows copied", r"^\s*COPY "),
        ("insert events", r"^\s*INSERT INTO \S*_events\W"),
        ("insert outbox rows", r"^\s*INSERT INTO \S*_outbox\W"),
        ("select events", r"^\s*SELECT .*FROM \S*_events\W"),
        ("select snapshots", r"^\s*SELECT .*FROM \S*_snapshots\W"),
        ("lease (advisory lock, liveness)", r"^\s*SELECT (pg_try_advisory_lock|1\s*$)"),
        ("table insert", r"^\s*INSERT"),
        ("table update", r"^\s*UPDATE"),
        ("table delete", r"^\s*DELETE"),
        ("table select", r"^\s*(SELECT|WITH)"),
    )
)


@dataclass(frozen=True)
class Statement:
    """One normalised statement of one service's database, over the measured load."""

    service: str
    kind: str
    calls: int
    total_ms: float  # executing
    plan_ms: float  # planning (the simple protocol plans every statement at every call)
    rows: int
    text: str


@dataclass(frozen=True)
class Line:
    """A table line: statements of one kind (and service), per report."""

    service: str
    kind: str
    calls_per_report: float
    ms_per_report: float  # planning and executing
    total_ms: float
    plan_ms: float
    mean_ms: float


def kind_of(text: str) -> str:
    """What a statement does (`KINDS`), or `other`."""
    for kind, pattern in KINDS:
        if pattern.search(text):
            return kind
    return "other"


def reset(server_url: str) -> None:
    """Create the extension's view (once) and forget every count so far."""
    with psycopg.connect(conninfo(server_url, "postgres"), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("SELECT pg_stat_statements_reset()")


def read(server_url: str, databases: dict[str, str]) -> tuple[list[Statement], int]:
    """The counts since `reset` in the given databases (name -> service), and how many
    statements' counts the server had to drop for room (their calls are missing)."""
    with psycopg.connect(conninfo(server_url, "postgres")) as conn:
        info = conn.execute("SELECT dealloc FROM pg_stat_statements_info").fetchone()
        found = conn.execute(
            "SELECT d.datname, s.query, s.calls, s.total_exec_time, s.total_plan_time, s.rows "
            "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
            "WHERE d.datname = ANY(%s)",
            (list(databases),),
        ).fetchall()
    statements = [
        Statement(
            databases[name], kind_of(query), int(calls), float(ms), float(plan), int(rows), query
        )
        for name, query, calls, ms, plan, rows in found
    ]
    return statements, int(info[0]) if info else 0


def lines(statements: Sequence[Statement], reports: int, by_service: bool) -> list[Line]:
    """Statements summed by kind (and by service when asked), the costliest first."""
    sums: dict[tuple[str, str], tuple[int, float, float]] = {}
    for s in statements:
        key = (s.service if by_service else "all", s.kind)
        calls, ms, plan = sums.get(key, (0, 0.0, 0.0))
        sums[key] = (calls + s.calls, ms + s.total_ms + s.plan_ms, plan + s.plan_ms)
    made = [
        Line(
            service,
            kind,
            round(calls / reports, 2),
            round(ms / reports, 4),
            round(ms, 1),
            round(plan, 1),
            round(ms / calls, 4) if calls else 0.0,
        )
        for (service, kind), (calls, ms, plan) in sums.items()
    ]
    return sorted(made, key=lambda line: -line.total_ms)


def markdown(rows: Sequence[Line]) -> str:
    """The lines as a Markdown table."""
    out = [
        "| service | statement | calls/report | server ms/report | total ms | planning ms "
        "| mean ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r.service} | {r.kind} | {r.calls_per_report} | {r.ms_per_report} | "
            f"{r.total_ms} | {r.plan_ms} | {r.mean_ms} |"
        )
    return "\n".join(out)


def write(path: Path, statements: Sequence[Statement], dropped: int, reports: int) -> None:
    """The profile as JSON (kinds, kinds by service, top texts) and a Markdown table beside it."""
    reports = max(reports, 1)
    by_kind = lines(statements, reports, by_service=False)
    by_service = lines(statements, reports, by_service=True)
    top = sorted(statements, key=lambda s: -s.total_ms)[:60]
    texts = [{**asdict(s), "text": " ".join(s.text.split())[:TEXT_CHARS]} for s in top]
    figures = {
        "reports": reports,
        "statements_dropped": dropped,  # pg_stat_statements.max too small when not 0
        "by_kind": [asdict(line) for line in by_kind],
        "by_service": [asdict(line) for line in by_service],
        "top_texts": texts,
    }
    path.write_text(json.dumps(figures, indent=2) + "\n")
    table = f"{markdown(by_kind)}\n\n{markdown(by_service)}\n"
    path.with_suffix(".md").write_text(table)
