"""Tracking's public query and public updates, and intake's outcome by tracking id, as stand-ins.

They answer as interfaces.md specifies (`GET /v1/public/reports`, `GET /v1/public/updates`)
until tracking's own public query is merged; tests on the real stack check the real ones.
As tracking's own does, `category` filters on the category the reporter chose (or None).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from services.faces.common.settings import EdgeSettings
from tests.unit.faces.conftest import ADAPTER, FakeServices

TRACKING_PORT = httpx.URL(EdgeSettings().tracking_url).port
CLOSED = ("Terdisposisi: Selesai", "Arsip")
ITEM_FIELDS = ("tracking_id", "title", "text", "kind", "channel", "category", "status", "skpd",
               "kecamatan", "kelurahan", "latitude", "longitude", "attachments", "received_at",
               "updated_at")  # fmt: skip


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _page(request: httpx.Request, rows: list[Any]) -> tuple[list[Any], int] | None:
    page = int(request.url.params.get("page", 1))
    size = int(request.url.params.get("page_size", 50))
    if page < 1 or not 1 <= size <= 1000:
        return None
    return rows[(page - 1) * size : page * size], len(rows)


@dataclass
class PublicTracking(FakeServices):
    """FakeServices with tracking's public query and updates, and intake's outcome."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    public_queries: list[dict[str, str]] = field(default_factory=list)
    feed_walked: int = 0
    tracking_down: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.tracking_down and request.url.port == TRACKING_PORT:
            raise httpx.ConnectError("tracking is down", request=request)
        return super().handle(request)

    def routes(self) -> list[tuple[str, str, Any]]:
        return [
            (r"/v1/public/reports", "GET", self.public_reports),
            (r"/v1/public/updates", "GET", self.public_updates),
            (r"/v1/reports/([^/]+)/outcome", "GET", self.intake_outcome),
            *super().routes(),
        ]

    def feed(self, request: httpx.Request, token: str) -> httpx.Response:
        self.feed_walked += 1
        return super().feed(request, token)

    def public_reports(self, request: httpx.Request, _: str) -> httpx.Response:
        query = dict(request.url.params)
        self.public_queries.append(query)
        rows = [c for c in self.cases if self._admits(c, query)]
        rows.sort(key=lambda c: c["tracking_id"])
        rows.sort(key=lambda c: c["received_at"], reverse=True)
        found = _page(request, rows)
        if found is None:
            return httpx.Response(422, json={"detail": "page_size: at most 1000"})
        items = [json.loads(json.dumps(_item(c), default=_plain)) for c in found[0]]
        return httpx.Response(200, json={"items": items, "total": found[1]})

    def _admits(self, case: dict[str, Any], query: dict[str, str]) -> bool:
        if case["rahasia"] or case.get("hidden"):
            return False
        skpd = _item(case)["skpd"]
        skpd_code = skpd["code"] if skpd else None
        start, end = _moment(query.get("start_date")), _moment(query.get("end_date"))
        status = query.get("status")
        closed = case["status"] in CLOSED
        return not (
            (start and case["received_at"] < start)
            or (end and case["received_at"] > end)
            or (status == "open" and closed)
            or (status == "closed" and not closed)
            or (status not in (None, "open", "closed") and case["status"] != status)
            or ("category" in query and case["category"] != query["category"])
            or ("skpd" in query and skpd_code != query["skpd"])
            or ("kecamatan" in query and case["kecamatan"] != query["kecamatan"])
        )

    def public_updates(self, request: httpx.Request, _: str) -> httpx.Response:
        start = _moment(request.url.params.get("start"))
        end = _moment(request.url.params.get("end"))
        rows = [u for u in self.updates if (not start or u["occurred_at"] >= start)
                and (not end or u["occurred_at"] < end)]  # fmt: skip
        rows.sort(key=lambda u: (u["occurred_at"], u["update_id"]))
        found = _page(request, rows)
        if found is None:
            return httpx.Response(422, json={"detail": "page_size: at most 1000"})
        items = [{**u, "occurred_at": u["occurred_at"].isoformat()} for u in found[0]]
        return httpx.Response(200, json={"items": items, "total": found[1]})

    def intake_outcome(self, _: httpx.Request, token: str, tracking_id: str) -> httpx.Response:
        if token != ADAPTER:
            return httpx.Response(401, json={"detail": "unknown token"})
        for body in self.submitted:
            if self.recorded.get(body["message_id"]) == tracking_id:
                answer = {"tracking_id": tracking_id, "channel": body["channel"],
                          "message_id": body["message_id"], "status": self.outcome,
                          "received_at": body["received_at"], "category": body.get("category"),
                          "rahasia": body.get("rahasia", False)}  # fmt: skip
                return httpx.Response(200, json=answer)
        return httpx.Response(404, json={"detail": f"no report has tracking id {tracking_id}"})


def _item(case: dict[str, Any]) -> dict[str, Any]:
    item = {name: case.get(name) for name in ITEM_FIELDS}
    skpd = case.get("skpd")
    if skpd is not None and not isinstance(skpd, dict):
        item["skpd"] = {"code": skpd.code, "name": skpd.name}
    return item


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
