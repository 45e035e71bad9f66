"""A stand-in for intake, routing and tracking's HTTP APIs, answering in their own schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import Any

import httpx
import pytest

from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from tracking.entrypoints.schemas import BodyPublic, FeedItemPublic, ReportStatusPublic

ADAPTER = "adapter-token"
ANALYST = "analyst-token"
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def report(tracking_id: str, **fields: Any) -> dict[str, Any]:
    """One case as tracking knows it (feed and status shapes are made from it)."""
    base: dict[str, Any] = {
        "tracking_id": tracking_id, "status": "Terdisposisi: Sedang Diproses",
        "title": "Lampu jalan mati", "text": "Lampu jalan mati di depan sekolah",
        "kind": "pengaduan", "received_at": NOW - timedelta(days=2), "category": None,
        "skpd": BodyPublic(code="DISPERKIM", name="Dinas Perumahan Rakyat"),
        "kecamatan": "Banjarmasin Tengah", "kelurahan": "Teluk Dalam",
        "attachments": ["https://foto.example/1.jpg"], "due_at": NOW + timedelta(days=3),
        "updated_at": NOW - timedelta(days=1), "channel": "web", "rahasia": False,
    }  # fmt: skip
    base.update(fields)
    return base


def feed_item(case: dict[str, Any]) -> dict[str, Any]:
    names = FeedItemPublic.model_fields
    return FeedItemPublic(**{k: v for k, v in case.items() if k in names}).model_dump(mode="json")


def status_doc(case: dict[str, Any]) -> dict[str, Any]:
    names = ReportStatusPublic.model_fields
    fields = {k: v for k, v in case.items() if k in names}
    fields["events"] = [
        {"type": "CaseOpened", "at": case["received_at"], "description": "Diterima"}
    ]
    fields["location"] = {"kecamatan": case["kecamatan"], "kelurahan": case["kelurahan"]}
    return ReportStatusPublic(**fields).model_dump(mode="json")


@dataclass
class FakeServices:
    """What the faces call, with what they sent recorded."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    submitted: list[dict[str, Any]] = field(default_factory=list)
    actions: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    intake_answer: int = 201
    outcome: str = "accepted"
    recorded: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    queues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    csv: str = "tracking_id\n"
    links: dict[str, str] = field(default_factory=dict)  # status-link secret -> tracking id
    notice: str | None = None
    refuse_link: bool = False  # intake answers 422 to a reply or rating
    asked: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # GET path, params
    photos: list[tuple[str, str, bytes]] = field(default_factory=list)  # (filename, type, bytes)
    photo_refusal: tuple[int, Any] | None = None  # intake refuses a photo: (status, detail)
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # public media id -> bytes
    public_queries: list[dict[str, str]] = field(default_factory=list)
    flags: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)  # id, body, from
    flag_answer: int = 201
    moderation: list[dict[str, Any]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path, token = request.url.path, request.headers.get("authorization", "")[7:]
        if request.method == "GET":
            self.asked.append((path, dict(request.url.params)))
        for pattern, method, handler in self.routes():
            match = re.fullmatch(pattern, path)
            if match and request.method == method:
                return handler(request, token, *match.groups())
        return httpx.Response(404, json={"detail": "not found"})

    def routes(self) -> list[tuple[str, str, Any]]:
        return [
            (r"/health/live", "GET", lambda *_: httpx.Response(200, json={"status": "ok"})),
            (r"/v1/reports", "POST", self.submit),
            (r"/v1/intake/(\w+)/(.+)", "GET", self.intake_status),
            (r"/v1/feed", "GET", self.feed),
            (r"/v1/reports/([^/]+)", "GET", self.status),
            (r"/v1/stats", "GET", self.read_stats),
            (r"/v1/skpd/([^/]+)/reports", "GET", self.desk),
            (r"/v1/skpd/([^/]+)/reports/([^/]+)/actions", "POST", self.act),
            (r"/v1/held", "GET", self.listing("held")),
            (r"/v1/triage", "GET", self.listing("triage")),
            (r"/v1/reports.csv", "GET", self.reports_csv),
            (r"/v1/escalations", "GET", self.escalations),
            (r"/v1/held/([^/]+)/(verify|archive)", "POST", self.admin_move),
            (r"/v1/reports/([^/]+)/disposition", "POST", self.admin_move),
            (r"/v1/status-links/(open|replies|ratings)", "POST", self.status_link),
            (r"/v1/public/reports", "GET", self.public_reports),
            (r"/v1/public/reports/([^/]+)/flags", "POST", self.flag),
            (r"/v1/media/([^/]+)", "GET", self.read_media),
            (r"/v1/media/([^/]+)/thumb", "GET", self.read_media),
            (r"/v1/moderation", "GET", self.moderation_queue),
            (r"/v1/moderation/([^/]+)/(hide|show|correct)", "POST", self.admin_move),
        ]

    def public_reports(self, request: httpx.Request, _: str) -> httpx.Response:
        """Tracking's public query as interfaces.md gives it (filters, page, page_size)."""
        query = dict(request.url.params)
        self.public_queries.append(dict(query))
        page, size = int(query.pop("page", 1)), int(query.pop("page_size", 50))
        if query.get("status") == "bukan-status":
            return httpx.Response(422, json={"detail": "status: unknown"})
        public = [c for c in self.cases if not c["rahasia"] and not c.get("hidden")]
        if "kecamatan" in query:
            public = [c for c in public if c["kecamatan"] == query["kecamatan"]]
        public.sort(key=lambda c: (c["received_at"], c["tracking_id"]), reverse=True)
        chosen = public[(page - 1) * size : page * size]
        items = [{**feed_item(c), "latitude": c.get("latitude"), "longitude": c.get("longitude")}
                 for c in chosen]  # fmt: skip
        return httpx.Response(200, json={"items": items, "total": len(public)})

    def flag(self, request: httpx.Request, _: str, tracking_id: str) -> httpx.Response:
        body = json.loads(request.content)
        address = request.headers.get("x-forwarded-for", "")
        counted = (tracking_id, address) not in {(t, a) for t, _, a in self.flags}
        self.flags.append((tracking_id, body, address))
        if self.flag_answer >= 300:
            return httpx.Response(self.flag_answer, json={"detail": "terlalu banyak penandaan"})
        flags = len({a for t, _, a in self.flags if t == tracking_id})
        answer = {"tracking_id": tracking_id, "counted": counted, "flags": flags,
                  "hidden": flags >= 3}  # fmt: skip
        return httpx.Response(201 if counted else 200, json=answer)

    def read_media(self, request: httpx.Request, token: str, media_id: str) -> httpx.Response:
        if media_id not in self.media and not (token == "admin-token" and media_id == "staf"):
            return httpx.Response(404, json={"detail": "no such media"})
        kind, content = self.media.get(media_id, ("image/jpeg", b"staff-only"))
        headers = {"content-type": kind, "etag": f'"{media_id}"',
                   "cache-control": "public, max-age=600"}  # fmt: skip
        return httpx.Response(200, content=content, headers=headers)

    def moderation_queue(self, request: httpx.Request, token: str) -> httpx.Response:
        if token != "admin-token":
            return httpx.Response(403, json={"detail": "admin only"})
        page = int(request.url.params.get("page", 1))
        size = int(request.url.params.get("page_size", 50))
        reason = request.url.params.get("reason")
        items = [m for m in self.moderation if not reason or m.get(reason)]
        chosen = items[(page - 1) * size : page * size]
        return httpx.Response(200, json={"items": chosen, "total": len(items)})

    def status_link(self, request: httpx.Request, token: str, what: str) -> httpx.Response:
        """Intake's status-link routes: 404 for a secret it does not know."""
        body = json.loads(request.content)
        if token != ADAPTER:
            return httpx.Response(401, json={"detail": "unknown token"})
        if body.get("secret") not in self.links:
            return httpx.Response(404, json={"detail": "tautan tidak dikenal"})
        tracking_id = self.links[body["secret"]]
        if what == "open":
            return httpx.Response(200, json={"tracking_id": tracking_id})
        if self.refuse_link:
            return httpx.Response(
                422, json={"detail": [{"msg": "Input should be a valid integer"}]}
            )
        self.actions.append((what, body, token))
        status = "reply" if what == "replies" else "rating"
        return httpx.Response(
            201,
            json={
                "channel": "web",
                "message_id": body["message_id"],
                "status": status,
                "tracking_id": tracking_id,
                "reason": None,
            },
        )

    def listing(self, name: str) -> Any:
        def answer(request: httpx.Request, token: str) -> httpx.Response:
            if token != "admin-token":
                return httpx.Response(403, json={"detail": "admin only"})
            items = self.queues.get(name, [])
            start, limit = _paging(request)
            total = {"X-Total-Count": str(len(items))}
            return httpx.Response(200, json=items[start : start + limit], headers=total)

        return answer

    def escalations(self, request: httpx.Request, token: str) -> httpx.Response:
        if token != "admin-token":
            return httpx.Response(403, json={"detail": "admin only"})
        items = self.queues.get("escalations", [])
        start, limit = _paging(request)
        return httpx.Response(
            200, json={"items": items[start : start + limit], "total": len(items)}
        )

    def reports_csv(self, _: httpx.Request, token: str) -> httpx.Response:
        return httpx.Response(200, text=self.csv, headers={"content-type": "text/csv"})

    def admin_move(self, request: httpx.Request, token: str, *where: str) -> httpx.Response:
        self.actions.append(("/".join(where), json.loads(request.content or b"{}"), token))
        return httpx.Response(200, json={"tracking_id": where[0]})

    def submit(self, request: httpx.Request, token: str) -> httpx.Response:
        if token != ADAPTER:
            return httpx.Response(401, json={"detail": "unknown token"})
        body = self.read_submission(request)
        if self.photo_refusal:
            return httpx.Response(self.photo_refusal[0], json={"detail": self.photo_refusal[1]})
        self.submitted.append(body)
        tracking_id = f"LPR-{len(self.submitted):08d}"
        self.recorded[body["message_id"]] = tracking_id
        if self.intake_answer == 202:
            return httpx.Response(202, json={"detail": "laporan sedang diproses"})
        answer = {"channel": body["channel"], "message_id": body["message_id"],
                  "status": self.outcome, "tracking_id": tracking_id, "reason": None,
                  "notice": self.notice}  # fmt: skip
        return httpx.Response(self.intake_answer, json=answer)

    def read_submission(self, request: httpx.Request) -> dict[str, Any]:
        """The report of a JSON or a multipart body (its photos recorded), as intake reads it."""
        kind = request.headers.get("content-type", "")
        if not kind.startswith("multipart/form-data"):
            return json.loads(request.content)  # type: ignore[no-any-return]
        head = f"Content-Type: {kind}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        parsed = BytesParser(policy=policy.HTTP).parsebytes(head + request.content)
        report: dict[str, Any] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            content = part.get_payload(decode=True) or b""
            if name == "report" and part.get_filename() is None:
                report = json.loads(content)
            elif name == "photo":
                self.photos.append((part.get_filename() or "", part.get_content_type(), content))
        return report

    def intake_status(self, _: httpx.Request, token: str, channel: str, mid: str) -> httpx.Response:
        if token != ADAPTER:
            return httpx.Response(401, json={"detail": "unknown token"})
        if mid not in self.recorded:
            return httpx.Response(404, json={"detail": "unknown message"})
        answer = {"channel": channel, "message_id": mid, "status": "accepted",
                  "tracking_id": self.recorded[mid], "reason": None}  # fmt: skip
        return httpx.Response(200, json=answer)

    def feed(self, request: httpx.Request, _: str) -> httpx.Response:
        limit = int(request.url.params.get("limit", 50))
        offset = int(request.url.params.get("offset", 0))
        public = [c for c in self.cases if not c["rahasia"]]
        public.sort(key=lambda c: c["received_at"], reverse=True)
        items = [feed_item(c) for c in public[offset : offset + limit]]
        return httpx.Response(200, json={"items": items, "total": len(public)})

    def status(self, _: httpx.Request, __: str, tracking_id: str) -> httpx.Response:
        found = [c for c in self.cases if c["tracking_id"] == tracking_id]
        if not found:
            return httpx.Response(404, json={"detail": "no report"})
        return httpx.Response(200, json=status_doc(found[0]))

    def read_stats(self, request: httpx.Request, token: str) -> httpx.Response:
        if token != ANALYST:
            return httpx.Response(401, json={"detail": "unknown token"})
        if request.url.params.get("from") == "bukan-tanggal":
            return httpx.Response(422, json={"detail": "from: invalid date"})
        return httpx.Response(200, json=self.stats)

    def desk(self, request: httpx.Request, token: str, code: str) -> httpx.Response:
        """Tracking's desk: overdue first (it orders and filters; here only `overdue`)."""
        if not token:
            return httpx.Response(403, json={"detail": "another body"})
        start, limit = _paging(request)
        late = sorted(self.cases, key=lambda c: not c.get("overdue", False))
        items = [{"tracking_id": c["tracking_id"], "status": c["status"], "title": c["title"],
                  "text": c["text"], "kind": c["kind"], "channel": c["channel"],
                  "received_at": c["received_at"].isoformat(), "primary": True,
                  "kecamatan": c["kecamatan"], "kelurahan": c["kelurahan"], "address": None,
                  "disposed_at": None, "deadline_step": "tindak-lanjut-pertama",
                  "due_at": c["due_at"].isoformat(), "overdue": c.get("overdue", False),
                  "attachments": [], "assignee": c.get("assignee"),
                  "category": c.get("category")} for c in late]  # fmt: skip
        return httpx.Response(
            200, json={"items": items[start : start + limit], "total": len(items)}
        )

    def act(self, request: httpx.Request, token: str, code: str, tid: str) -> httpx.Response:
        self.actions.append((tid, json.loads(request.content), token))
        return httpx.Response(202, json={"tracking_id": tid, "action": "resolve",
                                         "event_id": "e", "topic": "t"})  # fmt: skip


@pytest.fixture
def fake() -> FakeServices:
    return FakeServices()


@pytest.fixture
def settings() -> EdgeSettings:
    return EdgeSettings(
        web_adapter_token=ADAPTER, web_analyst_token=ANALYST, open311_adapter_token=ADAPTER
    )


@pytest.fixture
def backends(fake: FakeServices, settings: EdgeSettings) -> Iterator[Backends]:
    client = Backends(settings, transport=httpx.MockTransport(fake.handle))
    yield client
    client.close()


def _paging(request: httpx.Request) -> tuple[int, int]:
    params = request.url.params
    return int(params.get("offset", 0)), int(params.get("limit", 1000))
