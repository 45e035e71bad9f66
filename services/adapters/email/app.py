"""The e-mail adapter as a process: the Kafka loop plus health endpoints (port 8107)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

from services.adapters.common.lifecycle import Running, install_health, looping
from services.adapters.common.outbound import producer_for
from services.adapters.common.vault import VaultClient
from services.adapters.email.adapter import EmailAdapter, smtp_sender
from services.adapters.email.consumer import SERVICE, OutboundEmails, consumer_for
from services.adapters.email.settings import EmailAdapterSettings
from shared.clock import SystemClock
from shared.contracts import ContactKind
from shared.logging import get_logger
from shared.messaging.kafka_auth import client_options, security_options
from shared.metrics.http import install_metrics
from shared.metrics.lag import LagReader, Subscribed

log = get_logger(__name__)


def create_app(settings: EmailAdapterSettings | None = None) -> FastAPI:
    """The adapter's ASGI application."""
    settings = settings or EmailAdapterSettings()
    running = Running()
    lag = LagReader(client_options(settings.common))

    async def refresh() -> None:
        lags = await lag.read(running.subscribed) if running.ready else None
        running.metrics.set_lags(lags or [])

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        common = settings.common
        producer = producer_for(common)
        group = f"{common.instance}-{SERVICE}"
        consumer = consumer_for(common.kafka_bootstrap_servers, group, security_options(common))
        running.subscribed = [Subscribed(consumer, group)]
        async with httpx.AsyncClient() as client:
            token = settings.vault_token.get_secret_value() if settings.vault_token else None
            vault = VaultClient(settings.intake_url, token, client, ContactKind.EMAIL)
            adapter = EmailAdapter(
                vault, smtp_sender(settings), settings.from_address, SystemClock(),
                settings.vault_attempts,
            )  # fmt: skip
            loop = OutboundEmails(
                consumer, producer, adapter, common.max_message_bytes, running.metrics
            )
            async with looping(running, SERVICE, loop.run, lag, producer, consumer):
                yield

    app = FastAPI(title="lapor e-mail adapter", lifespan=lifespan)

    install_health(app, running.is_ready)
    install_metrics(app, running.metrics, refresh)
    return app
