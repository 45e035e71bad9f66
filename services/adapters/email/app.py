"""The e-mail adapter as a process: the Kafka loop plus health endpoints (port 8107)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.adapters.common.health import finish, install_health
from services.adapters.email.adapter import EmailAdapter, smtp_sender
from services.adapters.email.consumer import SERVICE, OutboundEmails, consumer_for
from services.adapters.email.settings import EmailAdapterSettings
from services.adapters.email.vault import VaultClient
from shared.clock import SystemClock
from shared.logging import get_logger
from shared.messaging.kafka_auth import client_options, security_options
from shared.metrics import ConsumerMetrics
from shared.metrics.http import install_metrics
from shared.metrics.lag import LagReader, Subscribed

log = get_logger(__name__)


@dataclass
class Running:
    """What the lifespan started."""

    task: asyncio.Task[None] | None = None
    ready: bool = False
    closers: list[object] = field(default_factory=list)
    metrics: ConsumerMetrics = field(default_factory=ConsumerMetrics)
    subscribed: list[Subscribed] = field(default_factory=list)


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
        stopping = asyncio.Event()
        common = settings.common
        producer = AIOKafkaProducer(
            bootstrap_servers=common.kafka_bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            **security_options(common),
        )
        group = f"{common.instance}-{SERVICE}"
        consumer = consumer_for(common.kafka_bootstrap_servers, group, security_options(common))
        running.subscribed = [Subscribed(consumer, group)]
        async with httpx.AsyncClient() as client:
            token = settings.vault_token.get_secret_value() if settings.vault_token else None
            vault = VaultClient(settings.intake_url, token, client)
            adapter = EmailAdapter(
                vault, smtp_sender(settings), settings.from_address, SystemClock(),
                settings.vault_attempts,
            )  # fmt: skip
            await producer.start()
            await consumer.start()
            loop = OutboundEmails(
                consumer, producer, adapter, common.max_message_bytes, running.metrics
            )
            running.task = asyncio.create_task(loop.run(stopping))
            running.ready = True
            log.info("service-started", service=SERVICE)
            try:
                yield
            finally:
                running.ready = False
                stopping.set()
                await finish(running.task)
                await lag.close()
                await consumer.stop()
                await producer.stop()

    app = FastAPI(title="lapor e-mail adapter", lifespan=lifespan)

    def is_ready() -> bool:
        return running.ready and running.task is not None and not running.task.done()

    install_health(app, is_ready, "the Kafka loop is not running")
    install_metrics(app, running.metrics, refresh)
    return app
