"""The public record at city scale: N public reports in the read model, streamed as open data.

    .venv/bin/python -m bench.public_feed --reports 50000
    .venv/bin/python -m bench.public_feed --reports 50000 --database-url postgresql://...

Writes N case rows straight into a fresh read model (SQLite in a temporary folder, or a new
PostgreSQL database), then reads `GET /v1/feed.csv`, `GET /v1/feed.geojson` and the public query
through tracking's real app, and prints the CPU time of each (the machine may be shared), and,
in a second pass, the peak of Python memory (tracemalloc) while the feeds stream, against the
size of what they sent. Not part of the suite.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, make_url

from shared.db import ensure_database
from tracking.adapters.bulk import write_rows
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.tables import cases

FIRST = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
PLACES = ("Banjarmasin Barat", "Banjarmasin Selatan", "Banjarmasin Tengah", "Banjarmasin Timur",
          "Banjarmasin Utara")  # fmt: skip
BUCKETS = ("Terdisposisi: Belum Ditindaklanjuti", "Terdisposisi: Sedang Diproses",
           "Terdisposisi: Selesai", "Arsip")  # fmt: skip


def case_rows(count: int, *, same_moment_every: int = 3) -> Iterator[dict[str, Any]]:
    """`count` public case rows (every `same_moment_every` share a receipt moment: ties)."""
    empty = {column.name: None for column in cases.c}
    for n in range(count):
        at = FIRST + timedelta(minutes=n // same_moment_every)
        phone = f"0812-0000-{n % 10000:04d}"
        text = f"Jalan berlubang di gang {n}, mohon segera diperbaiki. Hubungi {phone}"
        yield {
            **empty,
            "report_id": uuid.uuid4(), "tracking_id": f"LPR-B{n:07d}", "status": BUCKETS[n % 4],
            "skpd_code": "DPUPR", "skpd_name": "Dinas PUPR", "kind": "pengaduan", "channel": "web",
            "rahasia": n % 50 == 0, "anonim": n % 7 == 0, "title": f"Jalan rusak {n}",
            "text": text, "kecamatan": PLACES[n % 5], "kelurahan": "Kelayan Luar",
            "latitude": -3.3 - (n % 100) / 1000, "longitude": 114.59 + (n % 100) / 1000,
            "received_at": at, "updated_at": at, "deadline_warned": False,
            "deadline_missed": False, "deadline_escalated": False, "also_codes": "",
            "category": "jalan-drainase", "attachments": "[]", "escalations": 0,
            "reply_warned": False, "public_title": f"Jalan rusak {n}",
            "public_text": text.replace(phone, "[nomor telepon disamarkan]"),
            "hidden": n % 97 == 0, "flags": 0,
        }  # fmt: skip


def fill(engine: Engine, count: int, chunk: int = 5000) -> None:
    """Write `count` rows, `chunk` per statement."""
    rows = case_rows(count)
    while batch := [row for _, row in zip(range(chunk), rows, strict=False)]:
        with engine.begin() as conn:
            write_rows(conn, cases, batch)


def _engine(database_url: str | None, folder: Path) -> Engine:
    if database_url is None:
        return read_model_engine(f"sqlite:///{folder / 'read_model.sqlite'}")
    name = f"bench_public_{uuid.uuid4().hex[:8]}"
    ensure_database(database_url, name)
    url = make_url(database_url).set(drivername="postgresql+psycopg", database=name)
    return read_model_engine(url.render_as_string(hide_password=False))


def _measure(client: Any, path: str, *, traced: bool) -> tuple[float, int, int]:
    """CPU seconds of this process (the machine may be shared), bytes sent, Python memory peak."""
    if traced:
        tracemalloc.start()
    started = time.process_time()
    size = 0
    with client.stream("GET", path) as answer:
        for piece in answer.iter_bytes():
            size += len(piece)
    seconds = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    return seconds, size, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from shared.clock import FixedClock
    from tracking.adapters.public_queries import SqlPublicReports
    from tracking.application.moderation import FlagLimiter, Moderation
    from tracking.application.public import BoundingBox
    from tracking.entrypoints.public_http import public_records_router

    with tempfile.TemporaryDirectory() as folder:
        engine = _engine(options.database_url, Path(folder))
        migrate(engine)
        started = time.perf_counter()
        fill(engine, options.reports)
        print(f"wrote {options.reports} rows in {time.perf_counter() - started:.1f} s")
        reports = SqlPublicReports(engine, BoundingBox(-3.4, 114.52, -3.26, 114.68))
        clock = FixedClock(FIRST)
        moderation = Moderation(None, None, clock, FlagLimiter(clock, 1, timedelta(hours=1)))  # type: ignore[arg-type]
        app = FastAPI()
        app.include_router(public_records_router(reports, moderation, frozenset()))
        client = TestClient(app)
        for path in ("/v1/feed.csv", "/v1/feed.geojson"):
            seconds, size, _ = _measure(client, path, traced=False)
            print(f"{path}: {size / 1e6:.1f} MB in {seconds:.1f} CPU s")
            _, _, peak = _measure(client, path, traced=True)
            print(f"{path}: Python memory peak while streaming {peak / 1e6:.1f} MB")
        for page in (1, options.reports // 2000, options.reports // 1000):
            started = time.perf_counter()
            answer = client.get("/v1/public/reports", params={"page": page, "page_size": 1000})
            total = json.loads(answer.text)["total"]
            print(f"public query page {page} of 1000: {time.perf_counter() - started:.2f} s "
                  f"(total {total})")  # fmt: skip
        engine.dispose()


if __name__ == "__main__":
    main()
