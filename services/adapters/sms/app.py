"""The SMS adapter as a process (port 8108): Kannel's callbacks, the outbound Kafka loop, health."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from fastapi import FastAPI

from services.adapters.common.lifecycle import Running, install_health, looping
from services.adapters.common.outbound import producer_for, publish
from services.adapters.common.vault import VaultClient
from services.adapters.sms.adapter import SmsAdapter
from services.adapters.sms.consumer import SERVICE, OutboundSms, consumer_for
from services.adapters.sms.http import Inbound, kannel_router
from services.adapters.sms.intake import IntakeClient
from services.adapters.sms.kannel import Sendsms
from services.adapters.sms.settings import SmsAdapterSettings
from shared.clock import SystemClock
from shared.contracts import ContactKind, DeliveryReported
from shared.logging import get_logger
from shared.messaging.kafka_auth import client_options, security_options
from shared.metrics.http import install_metrics
from shared.metrics.lag import LagReader, Subscribed

log = get_logger(__name__)


def _secret(value: object) -> str | None:
    return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]


def create_app(settings: SmsAdapterSettings | None = None) -> FastAPI:
    """The adapter's ASGI application."""
    settings = settings or SmsAdapterSettings()
    common = settings.common
    running = Running()
    lag = LagReader(client_options(common))
    producers: list[AIOKafkaProducer] = []  # made in the lifespan: aiokafka wants its loop
    client = httpx.AsyncClient()
    token, key = _secret(settings.intake_token), _secret(settings.callback_key)
    gateway = Sendsms(
        settings.sendsms_url,
        settings.sendsms_username,
        settings.sendsms_password.get_secret_value(),
        settings.short_code,
        client,
    )
    adapter = SmsAdapter(
        VaultClient(settings.intake_url, token, client, ContactKind.PHONE),
        gateway,
        SystemClock(),
        settings.public_url,
        key,
        settings.max_segments,
        settings.vault_attempts,
    )

    async def send_report(report: DeliveryReported) -> None:
        if not producers:
            raise KafkaConnectionError("the adapter is starting or stopping")
        await publish(producers[0], report)

    inbound = Inbound(
        IntakeClient(settings.intake_url, token, client),
        adapter,
        send_report,
        SystemClock(),
        key,
        settings.max_text_bytes,
    )

    async def refresh() -> None:
        lags = await lag.read(running.subscribed) if running.ready else None
        running.metrics.set_lags(lags or [])

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        producer = producer_for(common)
        group = f"{common.instance}-{SERVICE}"
        consumer = consumer_for(common.kafka_bootstrap_servers, group, security_options(common))
        running.subscribed = [Subscribed(consumer, group)]
        loop = OutboundSms(consumer, producer, adapter, common.max_message_bytes, running.metrics)
        producers.append(producer)
        try:
            async with looping(running, SERVICE, loop.run, lag, producer, consumer):
                yield
        finally:
            producers.clear()
            await client.aclose()

    app = FastAPI(title="lapor SMS adapter (Kannel)", lifespan=lifespan)
    app.include_router(kannel_router(inbound))
    install_health(app, running.is_ready)
    install_metrics(app, running.metrics, refresh)
    return app
