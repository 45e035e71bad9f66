"""The SKPD desk at scale: a filtered page's latency with 50,000 cases in the read model.

    .venv/bin/python -m bench.desk_speed                       # own PostgreSQL, 50,000 cases
    .venv/bin/python -m bench.desk_speed --cases 50000 --database-url postgresql://...
    .venv/bin/python -m bench.desk_speed --store sqlite

The read model is migrated as tracking migrates it (the indexes of `0004_desk_filters` and the
text search's trigram index of `0006_desk_search` included) and filled with cases spread over
the directory's bodies (a third of them on PDAM's desk, the busiest), every status bucket,
deadlines from a month ago to a month ahead, the five kecamatan, the categories, officers on a
share of them. Each query is the desk route itself (`GET /v1/skpd/PDAM/reports` through
tracking's FastAPI app in process, token checked, JSON built), run `--runs` times after a
warm-up; the figures are p50 and p95 in milliseconds per filter and over all, the CPU time a
request costs (`cpu_ms`: this process and, on PostgreSQL, its server on this machine, parallel
workers included; a busy machine stretches latency far more than this), and the 1-minute load
average before and after the runs (the machine may be shared). Target: p95 <= 100 ms. Not part
of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from shared.auth import TokenStore, digest
from shared.categories import categories
from shared.clock import FixedClock
from shared.directory import bodies
from tracking.adapters.bulk import write_rows
from tracking.adapters.case_queries import SqlCaseViews
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.tables import cases
from tracking.entrypoints.http import desk_router, install_error_handlers

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TOKEN = "bench-desk"
KECAMATAN = ("Banjarmasin Utara", "Banjarmasin Selatan", "Banjarmasin Timur",
             "Banjarmasin Barat", "Banjarmasin Tengah")  # fmt: skip
STATUSES = (("Terdisposisi: Belum Ditindaklanjuti", 3), ("Terdisposisi: Sedang Diproses", 3),
            ("Terdisposisi: Selesai", 5), ("Belum Terverifikasi", 1), ("Arsip", 1))  # fmt: skip
OFFICERS = ("Siti Rahmah", "Rudi Hartono", "Budi Santoso", "Dewi Lestari", "Ahmad Fauzi")
WORDS = ("air mati", "pipa bocor", "jalan berlubang", "sampah menumpuk", "lampu padam",
         "saluran tersumbat", "meteran rusak", "air keruh", "air lemah", "banjir")  # fmt: skip
FILTERS: dict[str, dict[str, Any]] = {
    "none": {},
    "overdue": {"overdue": "true"},
    "open": {"status": "open"},
    "mine": {"assignee": "mine"},
    "kecamatan+category": {"kecamatan": "Banjarmasin Timur", "category": "air-minum"},
    "q": {"q": "bocor"},
    "q+open+overdue": {"q": "air keruh", "status": "open", "overdue": "true"},
    "page 40": {"offset": 2000},
}


def _case(n: int, rng: random.Random, codes: list[str]) -> dict[str, Any]:
    code = "PDAM" if n % 3 == 0 else rng.choice(codes)
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    received = NOW - timedelta(days=rng.uniform(1, 90))
    due = NOW + timedelta(days=rng.uniform(-30, 30))
    words = rng.choice(WORDS)
    row: dict[str, Any] = {column.name: None for column in cases.c}
    row.update(
        report_id=uuid.UUID(int=rng.getrandbits(128)), tracking_id=f"LPR-B{n:08d}",
        status=status, skpd_code=code, skpd_name=code, kind="pengaduan", channel="web",
        rahasia=False, anonim=False, title=f"Laporan {words} nomor {n}",
        text=f"Warga melaporkan {words} di {rng.choice(KECAMATAN)} rumah nomor {n}, mohon "
        "segera ditindaklanjuti oleh instansi yang berwenang.",
        kecamatan=rng.choice(KECAMATAN), kelurahan=None, address=f"Jl. Uji {n}",
        received_at=received, disposed_at=received + timedelta(hours=2),
        deadline_step="tindak-lanjut-pertama" if status.endswith("Belum Ditindaklanjuti")
        else "penyelesaian", due_at=due, warn_at=due - timedelta(days=1),
        deadline_warned=False, deadline_missed=False, updated_at=received, also_codes="",
        category=rng.choice(categories()).code, attachments="[]", escalations=0,
        deadline_escalated=False, reply_warned=False,
        assignee=rng.choice(OFFICERS) if rng.random() < 0.4 else None,
        hidden=False, flags=0,
    )  # fmt: skip
    row.update(public_title=row["title"], public_text=row["text"])  # nothing here to mask
    return row


def case_rows(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """The bench's `count` case rows (the same for the same seed)."""
    rng = random.Random(seed)
    codes = [body.code for body in bodies()]
    return [_case(n, rng, codes) for n in range(count)]


def fill(engine: Engine, count: int, seed: int = 7) -> None:
    """`count` cases, written in batches of 5,000 as the projector writes (one upsert each)."""
    rows = case_rows(count, seed)
    with engine.begin() as conn:
        conn.execute(cases.delete())
    for start in range(0, count, 5000):
        with engine.begin() as conn:
            write_rows(conn, cases, rows[start : start + 5000], upsert_on=("report_id",))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE cases"))


def desk_app(engine: Engine) -> TestClient:
    """Tracking's desk route alone, on this read model (a named PDAM officer's token)."""
    tokens = TokenStore({digest(TOKEN): {"role": "skpd:PDAM", "name": "Siti Rahmah"}})
    app = FastAPI()
    app.include_router(desk_router(SqlCaseViews(engine), None, tokens, FixedClock(NOW)))
    install_error_handlers(app)
    return TestClient(app)


def measure(
    client: TestClient, runs: int, cpu: Callable[[], float] = time.process_time
) -> dict[str, dict[str, float]]:
    """p50/p95 (ms) per filter over `runs` requests each, after 5 unmeasured ones, and the CPU
    time (ms) a request costs on average (what a busy machine cannot inflate)."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    figures: dict[str, dict[str, float]] = {}
    every: list[float] = []
    for name, params in FILTERS.items():
        query = {"limit": 50, **params}
        for _ in range(5):
            client.get("/v1/skpd/PDAM/reports", params=query, headers=headers).raise_for_status()
        times = []
        spent = cpu()
        for _ in range(runs):
            start = time.perf_counter()
            answer = client.get("/v1/skpd/PDAM/reports", params=query, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            answer.raise_for_status()
        spent = (cpu() - spent) * 1000 / runs
        total = answer.json()["total"]
        figures[name] = {**_quantiles(times), "cpu_ms": round(spent, 1), "total": total}
        print(name, figures[name], file=sys.stderr, flush=True)
        every += times
    figures["all"] = _quantiles(every)
    return figures


def _quantiles(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100)
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1)}


@contextlib.contextmanager
def read_model(options: argparse.Namespace) -> Iterator[Engine]:
    """The read model: SQLite in a temporary folder, the given PostgreSQL, or our own."""
    with contextlib.ExitStack() as stack:
        if options.store == "sqlite":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = f"sqlite:///{folder / 'read-model.sqlite'}"
        else:
            url = options.database_url or _own_postgres(stack)
        engine = read_model_engine(url)
        stack.callback(engine.dispose)
        migrate(engine)
        yield engine


def cpu_clock(engine: Engine) -> Callable[[], float]:
    """Seconds of CPU this process and the read model's server have used: on SQLite this process
    alone; on PostgreSQL (a server on this machine, read from /proc, given to this bench alone)
    also its pooled backends and the server's ended children (parallel workers)."""
    if engine.dialect.name != "postgresql":
        return time.process_time
    with engine.connect() as conn:
        database = conn.scalar(text("SELECT current_database()"))
        server = _stat(conn.scalar(text("SELECT pg_backend_pid()")))[1]  # the postmaster
    ticks = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        with engine.connect() as conn:
            pids = conn.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :db"), {"db": database}
            ).all()
        backends = sum(sum(_stat(pid)[11:13]) for pid in pids)  # utime, stime
        ended = sum(_stat(server)[13:15])  # cutime, cstime: children it has reaped
        return time.process_time() + (backends + ended) / ticks

    return used


def _stat(pid: int) -> list[int]:
    """/proc/PID/stat's numbers after the command (state left out: field 4 is index 1)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a backend that ended between the two readings
        return [0] * 15
    return [0, *(int(field) for field in fields[1:15])]


def _own_postgres(stack: contextlib.ExitStack) -> str:
    from services.local.infra import LocalPostgres  # only when no server is given

    return str(stack.enter_context(LocalPostgres()).url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--store", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()
    with read_model(options) as engine:
        started = time.perf_counter()
        fill(engine, options.cases)
        filled = time.perf_counter() - started
        load = os.getloadavg()[0]  # the machine is shared: say how busy it was
        figures = measure(desk_app(engine), options.runs, cpu_clock(engine))
    result = {"cases": options.cases, "store": options.store, "runs": options.runs,
              "fill_seconds": round(filled, 1), "load_1min": [round(load, 1),
              round(os.getloadavg()[0], 1)], "filters": figures}  # fmt: skip
    out = json.dumps(result, indent=2)
    print(out)
    if options.json:
        options.json.write_text(out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
