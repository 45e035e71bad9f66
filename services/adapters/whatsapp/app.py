"""The WhatsApp adapter as a process (port 8109): Meta's webhook, the outbound Kafka loop,
health and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

import httpx
from aiokafka.errors import KafkaError
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import Counter
from sqlalchemy.exc import SQLAlchemyError

from services.adapters.common.lifecycle import Running as AdapterRunning
from services.adapters.common.lifecycle import install_health, looping
from services.adapters.common.outbound import outbound_consumer, producer_for
from services.adapters.common.vault import VaultClient
from services.adapters.whatsapp.adapter import Template, WhatsAppAdapter
from services.adapters.whatsapp.consumer import SERVICE, outbound_whatsapp
from services.adapters.whatsapp.graph import GraphClient
from services.adapters.whatsapp.inbound import Inbox, Received, StatusTooEarly
from services.adapters.whatsapp.media import MediaUnavailable, PhotoForwarder
from services.adapters.whatsapp.settings import WhatsAppAdapterSettings
from services.adapters.whatsapp.signature import is_signed
from services.adapters.whatsapp.store import WhatsAppStore, store_for
from services.adapters.whatsapp.webhook import BadWebhook, read_webhook
from shared.clock import Clock, clock_for
from shared.contracts import Channel, ContactKind
from shared.logging import get_logger
from shared.messaging.kafka_auth import client_options, security_options
from shared.metrics import ConsumerMetrics
from shared.metrics.http import install_metrics
from shared.metrics.lag import LagReader, Subscribed

log = get_logger(__name__)


class WhatsAppMetrics(ConsumerMetrics):
    """The consumer's series plus what webhooks brought: published, refused, reported, ignored."""

    def __init__(self) -> None:
        super().__init__()
        self.webhook_items = Counter(
            "lapor_whatsapp_webhook_items", "Webhook requests and the items they carried",
            ["outcome"], registry=self.registry,
        )  # fmt: skip

    def received(self, received: Received) -> None:
        """Count what one webhook became."""
        for outcome, items in (
            ("published", received.published),
            ("refused", received.refused),
            ("reported", received.reported),
            ("ignored", received.ignored),
        ):
            if items:
                self.webhook_items.labels(outcome).inc(len(items))


@dataclass
class Running(AdapterRunning):
    """What the lifespan started, and the webhook's inbox while Kafka and the store are there."""

    inbox: Inbox | None = None
    metrics: WhatsAppMetrics = field(default_factory=WhatsAppMetrics)

    def is_ready(self) -> bool:
        """The webhook can publish and the outbound loop runs."""
        loop_runs = self.task is None or not self.task.done()
        return self.inbox is not None and loop_runs


Connect = Callable[[WhatsAppAdapterSettings, Running, Clock], AbstractAsyncContextManager[None]]


def build_adapter(
    settings: WhatsAppAdapterSettings, store: WhatsAppStore, clock: Clock, client: httpx.AsyncClient
) -> WhatsAppAdapter:
    """The outbound adapter: intake's vault, the Graph API, the template, the window."""
    vault_token = settings.vault_token.get_secret_value() if settings.vault_token else None
    token = settings.access_token.get_secret_value() if settings.access_token else None
    return WhatsAppAdapter(
        VaultClient(settings.intake_url, vault_token, client, ContactKind.PHONE),
        GraphClient(settings.messages_url(), token, client, settings.graph_timeout),
        store,
        clock,
        Template(settings.template_name, settings.template_language),
        timedelta(hours=settings.service_window_hours),
        settings.vault_attempts,
    )


def photo_forwarder(
    settings: WhatsAppAdapterSettings, client: httpx.AsyncClient
) -> PhotoForwarder | None:
    """Images go to intake's multipart front (needs both tokens); else captions alone."""
    if not (settings.access_token and settings.vault_token):
        return None
    return PhotoForwarder(
        graph_url=f"{settings.graph_url.rstrip('/')}/{settings.graph_version}",
        graph_token=settings.access_token.get_secret_value(),
        intake_url=settings.intake_url,
        intake_token=settings.vault_token.get_secret_value(),
        client=client,
        timeout=settings.graph_timeout,
    )


@contextlib.asynccontextmanager
async def kafka_connect(
    settings: WhatsAppAdapterSettings, running: Running, clock: Clock
) -> AsyncIterator[None]:
    """Kafka, the store, the vault and the Graph API, wired; the outbound loop running."""
    common = settings.common
    security = security_options(common)
    store = await asyncio.to_thread(store_for, common)
    producer = producer_for(common)
    group = f"{common.instance}-adapter-whatsapp-outbound"  # the adapter principal's prefix
    consumer = outbound_consumer(Channel.WHATSAPP, common.kafka_bootstrap_servers, group, security)
    running.subscribed = [Subscribed(consumer, group)]
    async with httpx.AsyncClient() as client:
        adapter = build_adapter(settings, store, clock, client)
        loop = outbound_whatsapp(
            consumer, producer, adapter.deliver, common.max_message_bytes, running.metrics
        )
        async with looping(running, SERVICE, loop.run, None, producer, consumer):
            grace = timedelta(seconds=settings.status_grace_seconds)
            running.inbox = Inbox(producer, store, clock, grace, photo_forwarder(settings, client))
            try:
                yield
            finally:
                running.inbox = None


def create_app(
    settings: WhatsAppAdapterSettings | None = None,
    connect: Connect = kafka_connect,
    clock: Clock | None = None,
) -> FastAPI:
    """The adapter's ASGI application."""
    settings = settings or WhatsAppAdapterSettings()
    clock = clock or clock_for(settings.common.test_mode)
    running = Running()
    lag = LagReader(client_options(settings.common))

    async def refresh() -> None:
        lags = await lag.read(running.subscribed) if running.inbox else None
        running.metrics.set_lags(lags or [])

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with connect(settings, running, clock):
            try:
                yield
            finally:
                await lag.close()

    app = FastAPI(title="lapor WhatsApp adapter", lifespan=lifespan)
    _webhook_routes(app, settings, running)
    install_health(app, running.is_ready, "Kafka or the outbound loop is not running")
    install_metrics(app, running.metrics, refresh)
    return app


def _webhook_routes(app: FastAPI, settings: WhatsAppAdapterSettings, running: Running) -> None:
    secret = settings.app_secret.get_secret_value() if settings.app_secret else None
    verify_token = settings.verify_token.get_secret_value() if settings.verify_token else ""
    if not secret:
        log.warning("whatsapp-no-app-secret", effect="every webhook POST is refused with 401")

    @app.get("/webhook", response_class=PlainTextResponse, tags=["whatsapp"])
    async def verify(
        mode: Annotated[str, Query(alias="hub.mode")] = "",
        token: Annotated[str, Query(alias="hub.verify_token")] = "",
        challenge: Annotated[str, Query(alias="hub.challenge", max_length=200)] = "",
    ) -> PlainTextResponse:
        """Meta's subscription check: the challenge back when the verify token matches."""
        matches = bool(verify_token) and hmac.compare_digest(token.encode(), verify_token.encode())
        if mode != "subscribe" or not matches:
            return PlainTextResponse("verifikasi ditolak", status_code=403)
        return PlainTextResponse(challenge)

    @app.post("/webhook", tags=["whatsapp"])
    async def receive(request: Request) -> JSONResponse:
        """A signed webhook: messages go to intake, statuses become delivery reports."""
        body = await _read(request, settings.max_webhook_bytes)
        if body is None:
            return _refuse(413, "badan permintaan terlalu besar")
        if not is_signed(body, request.headers.get("X-Hub-Signature-256"), secret):
            running.metrics.webhook_items.labels("bad-signature").inc()
            return _refuse(401, "X-Hub-Signature-256 tidak sah")
        try:
            hook = read_webhook(body)
        except BadWebhook as error:
            return _refuse(400, str(error))
        if running.inbox is None:
            return _refuse(503, "adaptor belum siap")
        try:
            received = await running.inbox.receive(hook)
        except MediaUnavailable as error:
            return _refuse(503, f"foto belum dapat diambil atau diteruskan; ulangi ({error})")
        except StatusTooEarly as early:
            return _refuse(503, f"status untuk {early} mendahului jawaban pengiriman; ulangi")
        except KafkaError as error:
            return _refuse(503, f"Kafka tidak tersedia: {type(error).__name__}")
        except SQLAlchemyError as error:
            return _refuse(503, f"penyimpanan adaptor tidak tersedia: {type(error).__name__}")
        running.metrics.received(received)
        refused = [{"id": r.wamid, "reason": r.reason} for r in received.refused]
        return JSONResponse(
            {
                "published": received.published,
                "refused": refused,
                "reported": len(received.reported),
                "ignored": len(received.ignored),
            }
        )


def _refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


async def _read(request: Request, limit: int) -> bytes | None:
    """The raw body (what the signature covers), or None past the limit."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
