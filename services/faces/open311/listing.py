"""GET requests: the spec's list (90 days, at most 1,000, newest first) from tracking's filters.

Filters run in tracking's public query (`GET /v1/public/reports`); the face merges the
newest-first streams of a service code's queries (see `_filters`) and cuts the list. A page
is a slice of that same list, so the pages together are exactly the list asked without `page`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cache
from itertools import islice
from typing import Any

from services.faces.common.backends import Backends
from services.faces.common.catalogue import OTHER, code_of
from services.faces.open311.answers import MAX_PAGE_SIZE, Open311Error, Paging, moment, split
from services.faces.open311.documents import CLOSED
from shared.directory import body_codes

WINDOW = timedelta(days=90)
LIMIT = 1000
PUBLIC_REPORTS = "/v1/public/reports"
UNDISPOSED = ("Belum Terverifikasi", "Tertunda", "Arsip")  # the buckets of a report without a body


def listed(
    backends: Backends, query: dict[str, str], now: datetime, asked: Paging | None
) -> list[dict[str, Any]]:
    """The public reports of the list (or of one page of it), as tracking's items."""
    statuses = set(split(query.get("status")))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status hanya open atau closed")
    start, end = window(query, now)
    common = {"start_date": start.isoformat()}
    if end is not None:
        common["end_date"] = end.isoformat()
    if len(statuses) == 1:
        common["status"] = statuses.pop()
    first, last = (0, LIMIT) if asked is None else (asked.offset, asked.offset + asked.size)
    last = min(last, LIMIT)
    if first >= last:
        return []
    codes = set(split(query.get("service_code")))
    streams = [_stream(backends, params, last) for params in _filters(codes, common)]
    merged = streams[0] if len(streams) == 1 else _merge(streams)
    if codes:
        merged = (item for item in merged if _service_code(item) in codes)
    return list(islice(merged, first, last))


def _filters(codes: set[str], common: dict[str, str]) -> list[dict[str, str]]:
    """Tracking's queries whose reports may derive these service codes (none: one, unfiltered).

    A report's code is its category, else its body's (`code_of`): so a code is asked as its
    category and as each body that derives it; `lainnya` also as the buckets of a report that
    has no body yet. The face only drops what another code claims (a category chosen elsewhere).
    """
    found: list[dict[str, str]] = []
    for code in sorted(codes):
        found.append({**common, "category": code})
        found += [{**common, "skpd": body} for body in _bodies_deriving().get(code, ())]
        if code == OTHER:
            state = common.get("status")
            found += [{**common, "status": b} for b in UNDISPOSED if state in (None, _state(b))]
    return found or [common]


@cache
def _bodies_deriving() -> dict[str, tuple[str, ...]]:
    """Each service code, and the bodies whose reports derive it."""
    found: dict[str, list[str]] = {}
    for body in body_codes():
        found.setdefault(code_of(None, body), []).append(body)
    return {code: tuple(bodies) for code, bodies in found.items()}


def _state(bucket: str) -> str:
    return "closed" if bucket in CLOSED else "open"


def _service_code(item: dict[str, Any]) -> str:
    return code_of(item.get("category"), (item.get("skpd") or {}).get("code"))


def window(query: dict[str, str], now: datetime) -> tuple[datetime, datetime | None]:
    """The receipt window: `start_date` (else 90 days before the end) to `end_date`."""
    start = moment(query.get("start_date"), "start_date")
    end = moment(query.get("end_date"), "end_date")
    if start and end and end < start:
        raise Open311Error(400, "end_date lebih awal dari start_date")
    if start is None:
        start = (end or now) - WINDOW
    return start, end


def _stream(backends: Backends, params: dict[str, str], wanted: int) -> Iterator[dict[str, Any]]:
    """Tracking's items for one filter, newest first, fetched a page at a time as read."""
    size = min(MAX_PAGE_SIZE, wanted)
    page, seen = 1, 0
    while True:
        found = backends.json(
            "GET", "tracking", PUBLIC_REPORTS, params={**params, "page": page, "page_size": size}
        )
        items = found["items"]
        for item in items:
            yield _normal(item)
        seen += len(items)
        if len(items) < size or seen >= found["total"]:
            return
        page += 1


def _merge(streams: list[Iterator[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """Several newest-first streams as one, each report once."""
    given: set[str] = set()
    for item in heapq.merge(*streams, key=_newest_first):
        if item["tracking_id"] not in given:
            given.add(item["tracking_id"])
            yield item


def _newest_first(item: dict[str, Any]) -> tuple[float, str]:
    return -datetime.fromisoformat(item["received_at"]).timestamp(), item["tracking_id"]


def _normal(item: dict[str, Any]) -> dict[str, Any]:
    """An item with its bucket under `status`, as the documents read it."""
    if "status" not in item and "bucket" in item:
        return {**item, "status": item["bucket"]}
    return item
