"""mySociety's servicerequestupdates: the updates between two moments, from tracking.

`start_date` is inclusive and `end_date` exclusive, so a back office that pulls consecutive
windows gets each update once; without `end_date` the window ends now, without `start_date` it
starts 24 hours before its end. Without `page` the whole window is answered (at most
MAX_UPDATES; a wider one is refused, naming `page`), with it one page of the same list.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.faces.common.backends import Backends
from services.faces.open311.answers import MAX_PAGE_SIZE, Open311Error, Paging, moment

DEFAULT_WINDOW = timedelta(hours=24)
MAX_UPDATES = 10_000
PUBLIC_UPDATES = "/v1/public/updates"
ROOT = "service_request_updates"


def request_update(item: dict[str, Any]) -> dict[str, Any]:
    """One `request_update` from one of tracking's public updates."""
    return {
        "update_id": item["update_id"],
        "service_request_id": item["tracking_id"],
        "status": item["status"],
        "updated_datetime": datetime.fromisoformat(item["occurred_at"]).isoformat(),
        "description": item.get("description"),
        "media_url": item.get("media_url"),
        "external_status_code": item["bucket"],
    }


def updates(
    backends: Backends, query: dict[str, str | None], now: datetime, asked: Paging | None
) -> list[dict[str, Any]]:
    """The window's updates, oldest first (or one page of them)."""
    end = moment(query.get("end_date"), "end_date") or now
    start = moment(query.get("start_date"), "start_date") or end - DEFAULT_WINDOW
    if end < start:
        raise Open311Error(400, "end_date lebih awal dari start_date")
    params = {"start": start.isoformat(), "end": end.isoformat()}
    if asked is not None:
        found = _page(backends, params, asked.page, asked.size)
        return [request_update(item) for item in found["items"]]
    return [request_update(item) for item in _whole(backends, params)]


def _page(backends: Backends, params: dict[str, str], page: int, size: int) -> dict[str, Any]:
    query = {**params, "page": page, "page_size": size}
    found: dict[str, Any] = backends.json("GET", "tracking", PUBLIC_UPDATES, params=query)
    return found


def _whole(backends: Backends, params: dict[str, str]) -> list[dict[str, Any]]:
    first = _page(backends, params, 1, MAX_PAGE_SIZE)
    if first["total"] > MAX_UPDATES:
        raise Open311Error(
            400,
            f"rentang waktu memuat {first['total']} pembaruan (paling banyak {MAX_UPDATES}): "
            "persempit start_date/end_date atau gunakan page dan page_size",
        )
    items: list[dict[str, Any]] = list(first["items"])
    given = {item["update_id"] for item in items}
    page, more = 1, first["items"]
    while more and page * MAX_PAGE_SIZE < first["total"]:
        page += 1
        more = _page(backends, params, page, MAX_PAGE_SIZE)["items"]
        # A step projected meanwhile may shift a page: each update once all the same.
        items += [item for item in more if item["update_id"] not in given]
        given.update(item["update_id"] for item in more)
    return items
