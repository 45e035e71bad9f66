"""A local stand-in for the WhatsApp Cloud API (development and tests; Meta's service cannot be
reached from here). It answers `POST /{version}/{phone-number-id}/messages` in the documented
shapes, writes the body of each request it accepted, as received, as one JSON file in its outbox
(refused ones under `rejected/`), and sends signed status webhooks (sent, then delivered, or
failed for an undeliverable number) to the adapter's `/webhook`, retrying as Meta does."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from services.local.whatsapp_requests import Accepted, Refused, judge
from shared.logging import get_logger

log = get_logger(__name__)


@dataclass
class StandIn:
    """What the stand-in knows: the business number, the token, the approved templates."""

    outbox: Path
    access_token: str
    phone_number_id: str
    display_number: str = "628115001708"
    app_secret: str = ""
    webhook_url: str = ""  # where status webhooks go; empty: none are sent
    templates: dict[tuple[str, str], int] = field(default_factory=dict)
    undeliverable: frozenset[str] = frozenset()
    webhook_attempts: int = 8
    webhook_delay: float = 0.2  # the first wait before a webhook is sent again; doubles
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # media id -> bytes, type
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add_media(self, content: bytes, mime_type: str) -> str:
        """Keep a file as a citizen's upload to WhatsApp; its media id (for a test's webhook)."""
        media_id = str(10**15 + len(self.media) + 1)
        self.media[media_id] = (content, mime_type)
        return media_id

    def store(self, raw: bytes, accepted: bool) -> Path:
        """Write one request body exactly as received; names sort in arrival order."""
        folder = self.outbox if accepted else self.outbox / "rejected"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{time.time_ns():020d}-{next(self._counter):06d}.json"
        path.write_bytes(raw)
        return path


def new_wamid() -> str:
    """An id in the documented form `wamid.<base64>`."""
    return "wamid." + base64.b64encode(b"\x15\x02\x00\x11\x18\x12" + os.urandom(18)).decode()


def create_app(stand_in: StandIn) -> FastAPI:
    """The stand-in's ASGI application."""
    app = FastAPI(title="WhatsApp Cloud API stand-in (local)")

    @app.post("/{version}/{phone_number_id}/messages")
    async def messages(
        version: str, phone_number_id: str, request: Request, tasks: BackgroundTasks
    ) -> JSONResponse:
        """Send a message, as the Graph API's messages endpoint does."""
        raw = await request.body()
        given = request.headers.get("Authorization", "")
        authorised = hmac.compare_digest(given.encode(), f"Bearer {stand_in.access_token}".encode())
        try:
            accepted = judge(
                raw, stand_in.templates, authorised, phone_number_id == stand_in.phone_number_id
            )
        except Refused as refused:
            stand_in.store(raw, accepted=False)
            log.info("whatsapp-standin-refused", code=refused.code, message=refused.message)
            return JSONResponse(refused.body(secrets.token_urlsafe(12)), refused.status)
        wamid = new_wamid()
        stand_in.store(raw, accepted=True)
        log.info("whatsapp-standin-accepted", wamid=wamid, type=accepted.type)
        if stand_in.webhook_url:
            tasks.add_task(send_statuses, stand_in, wamid, accepted)
        sent: dict[str, Any] = {"id": wamid}
        if accepted.type == "template":
            sent["message_status"] = "accepted"
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": accepted.to, "wa_id": accepted.wa_id}],
                "messages": [sent],
            }
        )

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        """The stand-in answers."""
        return {"status": "ready"}

    _media_routes(app, stand_in)  # after the fixed paths: `/{version}/{media_id}` takes any pair

    return app


def _media_routes(app: FastAPI, stand_in: StandIn) -> None:
    """The documented media endpoints: the URL of a media id, then its bytes (both with the
    bearer token); a test hands files in by `POST /test/media` (the stand-in's own)."""

    def authorised(request: Request) -> bool:
        given = request.headers.get("Authorization", "").encode()
        return hmac.compare_digest(given, f"Bearer {stand_in.access_token}".encode())

    @app.post("/test/media")
    async def add(request: Request) -> dict[str, str]:
        """Keep the body as an uploaded file of its content type; its media id."""
        kind = request.headers.get("content-type", "application/octet-stream")
        return {"id": stand_in.add_media(await request.body(), kind)}

    @app.get("/media-download/{media_id}")
    async def download(media_id: str, request: Request) -> Response:
        """The bytes, to a bearer of the token only."""
        found = stand_in.media.get(media_id)
        if not authorised(request) or found is None:
            return JSONResponse(_graph_error(190 if found else 100), 401 if found else 404)
        return Response(found[0], media_type=found[1])

    @app.get("/{version}/{media_id}")
    async def media_url(version: str, media_id: str, request: Request) -> JSONResponse:
        """Where the media id's bytes are, as Graph answers it."""
        found = stand_in.media.get(media_id)
        if not authorised(request):
            return JSONResponse(_graph_error(190), 401)
        if found is None:
            return JSONResponse(_graph_error(100), 404)
        url = f"{str(request.base_url).rstrip('/')}/media-download/{media_id}"
        return JSONResponse({
            "messaging_product": "whatsapp", "url": url, "mime_type": found[1],
            "sha256": hashlib.sha256(found[0]).hexdigest(), "file_size": len(found[0]),
            "id": media_id,
        })  # fmt: skip


def _graph_error(code: int) -> dict[str, Any]:
    message = {190: "Invalid OAuth access token", 100: "Unsupported get request"}[code]
    return {"error": {"message": message, "type": "OAuthException", "code": code}}


def status_webhook(stand_in: StandIn, wamid: str, to: str, status: str) -> dict[str, Any]:
    """A `messages` webhook carrying one status, in the documented envelope."""
    item: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": to,
    }
    if status == "failed":
        item["errors"] = [
            {
                "code": 131026,
                "title": "Message undeliverable",
                "message": "Message undeliverable",
                "error_data": {"details": "the recipient cannot receive this message"},
            }
        ]
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": stand_in.display_number,
            "phone_number_id": stand_in.phone_number_id,
        },
        "statuses": [item],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "0", "changes": [{"value": value, "field": "messages"}]}],
    }


async def send_statuses(
    stand_in: StandIn, wamid: str, accepted: Accepted, client: httpx.AsyncClient | None = None
) -> None:
    """Sent, then delivered (or failed), each signed and retried until answered 200."""
    failing = accepted.wa_id in stand_in.undeliverable
    steps = ("sent", "failed") if failing else ("sent", "delivered")
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            client = await stack.enter_async_context(httpx.AsyncClient())
        for status in steps:
            body = _encode(status_webhook(stand_in, wamid, accepted.wa_id, status))
            headers = {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": _signature(body, stand_in.app_secret),
            }
            if not await _deliver(client, stand_in, body, headers):
                log.warning("whatsapp-standin-webhook-gave-up", wamid=wamid, status=status)
                return


async def _deliver(
    client: httpx.AsyncClient, stand_in: StandIn, body: bytes, headers: dict[str, str]
) -> bool:
    for attempt in range(stand_in.webhook_attempts):
        try:
            answer = await client.post(stand_in.webhook_url, content=body, headers=headers)
            if answer.status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        await asyncio.sleep(min(stand_in.webhook_delay * 2**attempt, 5.0))  # as Meta retries
    return False


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _signature(body: bytes, app_secret: str) -> str:
    """What Meta puts in X-Hub-Signature-256: sha256= and the body's HMAC-SHA256, in hex."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
