"""The runtime every service shares: FastAPI for HTTP, FastStream for Kafka, one lifespan.

A context's `bootstrap()` describes its service as a `ServiceSpec`; `build_app` turns that into
an ASGI application with health and readiness endpoints, the AsyncAPI document, batch
subscribers feeding the idempotent consumer, and the outbox relay.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.specification import AsyncAPI
from pydantic import BaseModel, Field

from shared.allocator import pin_mmap_threshold
from shared.auth import TokenStore
from shared.clock import Clock, OffsetClock
from shared.contracts import IntegrationEvent
from shared.http import TextGuard, install_auth_errors, install_store_errors, require
from shared.leadership import lead, lease_for
from shared.logging import get_logger
from shared.messaging.asyncapi import describe_payloads
from shared.messaging.consumer import BatchProcessor, IdempotentConsumer, RetryPolicy
from shared.messaging.kafka_auth import broker_security, client_options
from shared.messaging.loop import BatchLoop
from shared.messaging.outbox import install_outbox
from shared.messaging.relay import OutboxRelay, Translate
from shared.metrics import MetricSource, ServiceMetrics
from shared.metrics.http import install_metrics
from shared.metrics.lag import LagReader
from shared.metrics.wiring import refresh_lag, relay_for, relay_name, service_metrics
from shared.settings import CommonSettings
from shared.wakeup import can_listen, listen_for_writes

log = get_logger(__name__)

RELAY_GRACE_SECONDS = 30.0

Background = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass
class Subscription:
    """Topics one consumer group reads, and the application that processes them."""

    name: str
    topics: Sequence[str]
    processor: BatchProcessor
    description: str = ""
    max_records: int = 200
    # Read on while a batch is processed (`shared.messaging.read_ahead`): less waiting per hop,
    # more fetches (CPU in the service and the broker); off unless a subscription asks.
    read_ahead: bool = False


@dataclass
class ServiceSpec:
    """Everything the runtime needs to run one service."""

    name: str
    common: CommonSettings
    application: Any
    translate: Translate
    tokens: TokenStore
    clock: Clock
    subscriptions: Sequence[Subscription] = ()
    routers: Sequence[APIRouter] = ()
    publishes: Sequence[tuple[str, type[IntegrationEvent]]] = ()
    background: Sequence[Background] = ()
    install_handlers: Sequence[Callable[[FastAPI], None]] = ()
    on_close: Sequence[Callable[[], None]] = ()
    description: str = ""
    # Reasons the service is degraded but still serves (readiness stays 200 and names them).
    health: Sequence[Callable[[], list[str]]] = ()
    # Gauges of the service's own, read at each scrape of /metrics (e.g. quarantined events).
    metrics: Sequence[MetricSource] = ()
    # Jobs one replica runs at a time, with the outbox relay: the one holding the lease.
    singletons: Sequence[Background] = ()


@dataclass
class Runtime:
    """The live parts of a running service (for readiness and tests)."""

    broker: KafkaBroker
    producer: AIOKafkaProducer | None = None
    relay: OutboxRelay | None = None
    ready: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    consumers: list[IdempotentConsumer] = field(default_factory=list)
    loops: list[BatchLoop] = field(default_factory=list)
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    lag: LagReader | None = None


class ClockAdvance(BaseModel):
    """How far to move the test clock."""

    seconds: float = Field(gt=0, le=10 * 365 * 86400)


def _raw(message: Any) -> Any:
    """Decoder that leaves decoding to the idempotent consumer (bad bytes must reach it)."""
    return None


def _header_safe(value: bytes | None) -> bytes:
    if value is None:
        return b""
    try:
        value.decode()
    except UnicodeDecodeError:
        return value.decode("utf-8", "replace").encode()
    return value


async def _tolerant_parser(records: Any, original: Any) -> Any:
    """FastStream decodes headers as UTF-8; a bad header must not stop the partition.

    FastStream parses a copy with readable headers; the consumer gets the original records, so a
    dead letter still carries the original headers unchanged.
    """
    readable = tuple(
        dataclasses.replace(r, headers=[(k, _header_safe(v)) for k, v in r.headers or ()])
        for r in records
    )
    message = await original(readable)
    message.raw_message = records
    return message


def retry_policy(common: CommonSettings) -> RetryPolicy:
    """The consumers' retry bound and backoff, from the settings."""
    return RetryPolicy(
        attempts=common.record_attempts,
        backoff_seconds=common.retry_backoff_seconds,
        backoff_max_seconds=common.retry_backoff_max_seconds,
        unavailable_max_seconds=common.unavailable_backoff_max_seconds,
    )


def consumer_for(
    spec: ServiceSpec, sub: Subscription, metrics: ServiceMetrics | None = None
) -> IdempotentConsumer:
    """The idempotent consumer of one subscription."""
    metrics = metrics or ServiceMetrics()
    return IdempotentConsumer(
        sub.processor,
        service=spec.name,
        max_bytes=spec.common.max_message_bytes,
        retry=retry_policy(spec.common),
        observe=functools.partial(metrics.consumer_transaction, sub.name),
    )


def batch_loop(spec: ServiceSpec, sub: Subscription, consumer: IdempotentConsumer) -> BatchLoop:
    """The Kafka consumer of one subscription, feeding its idempotent consumer."""
    return BatchLoop(
        consumer,
        sub.topics,
        group_id=group_id(spec, sub),
        client=client_options(spec.common),
        client_id=f"lapor-{spec.name}-{sub.name}",
        max_records=sub.max_records,
        read_ahead=sub.read_ahead,
    )


def group_id(spec: ServiceSpec, sub: Subscription) -> str:
    """One consumer group per subscription of a service (its replicas share it)."""
    return f"{spec.common.instance}-{spec.name}-{sub.name}"


def build_broker(
    spec: ServiceSpec,
    consumers: Callable[[Subscription], IdempotentConsumer],
    metrics: ServiceMetrics | None = None,
) -> KafkaBroker:
    """A FastStream broker with one batch subscriber per subscription and the publishers."""
    registry = (metrics or ServiceMetrics()).registry
    broker = KafkaBroker(
        spec.common.kafka_bootstrap_servers,
        security=broker_security(spec.common),
        client_id=f"lapor-{spec.name}",
        log_level=logging.DEBUG,  # one line per batch is noise at INFO
        middlewares=[KafkaPrometheusMiddleware(registry=registry, app_name=spec.name)],
    )
    for sub in spec.subscriptions:
        _subscribe(broker, spec, sub, consumers(sub))
    for topic, event in spec.publishes:
        broker.publisher(
            topic,
            schema=event,
            title=f"{topic}:{event.event_type}",
            description=(event.__doc__ or "").strip(),
        )
    return broker


def _subscribe(
    broker: KafkaBroker,
    spec: ServiceSpec,
    sub: Subscription,
    consumer: IdempotentConsumer,
) -> None:
    async def handle(message: KafkaMessage) -> None:
        await consumer.handle(message.raw_message)

    handle.__doc__ = sub.description or f"{spec.name} consumes {', '.join(sub.topics)}"
    broker.subscriber(
        *sub.topics,
        group_id=group_id(spec, sub),
        batch=True,
        max_records=sub.max_records,
        batch_timeout_ms=100,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_raw,
        parser=_tolerant_parser,
        title=f"{spec.name}:{sub.name}",
        description=handle.__doc__,
    )(handle)


def asyncapi_document(spec: ServiceSpec, broker: KafkaBroker) -> Any:
    """The AsyncAPI 3 document of subscribers and publishers, payloads from the contracts."""
    factory = AsyncAPI(
        broker, title=f"lapor {spec.name}", version="1.0.0", description=spec.description
    )
    return describe_payloads(factory.to_specification().to_jsonable())


def build_app(spec: ServiceSpec) -> FastAPI:
    """The ASGI application of one service."""
    if hasattr(spec.application, "outbox_translate"):  # every write from now on fills it
        install_outbox(spec.application, spec.translate, legacy_relay=relay_name(spec))
    runtime = Runtime(broker=KafkaBroker(), metrics=service_metrics(spec))

    def consumers(sub: Subscription) -> IdempotentConsumer:
        runtime.consumers.append(consumer_for(spec, sub, runtime.metrics))
        return runtime.consumers[-1]

    runtime.broker = build_broker(spec, consumers, runtime.metrics)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stopping = asyncio.Event()
        await _start(spec, runtime, stopping)
        try:
            yield
        finally:
            await _stop(spec, runtime, stopping)

    app = FastAPI(title=f"lapor {spec.name}", description=spec.description, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.spec = spec
    install_auth_errors(app)
    install_store_errors(app)
    app.add_middleware(TextGuard)
    for install in spec.install_handlers:
        install(app)
    for router in spec.routers:
        app.include_router(router)
    _add_operational_routes(app, spec, runtime)
    install_metrics(app, runtime.metrics, lambda: refresh_lag(spec, runtime))
    return app


async def _start(spec: ServiceSpec, runtime: Runtime, stopping: asyncio.Event) -> None:
    spec.common.ensure_state_dir()
    pin_mmap_threshold()  # before the first fetch: its buffers must not fragment the heap
    runtime.producer = AIOKafkaProducer(
        **client_options(spec.common),
        client_id=f"lapor-{spec.name}-producer",
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_request_size=max(1_048_576, spec.common.max_message_bytes * 2),
    )
    await runtime.producer.start()
    runtime.relay = relay_for(spec, runtime.producer, runtime.metrics)
    await runtime.broker.connect()  # its subscribers describe the topics; the loops consume
    for sub, consumer in zip(spec.subscriptions, runtime.consumers, strict=True):
        loop = batch_loop(spec, sub, consumer)
        await loop.start()
        runtime.loops.append(loop)
        runtime.tasks.append(asyncio.create_task(loop.run(stopping)))
    if can_listen(spec.application):  # a task of the readiness check: it runs until the stop
        runtime.tasks.append(asyncio.create_task(listen_for_writes(spec.application, stopping)))
    leader_jobs = [runtime.relay.run, *spec.singletons]
    lease = lease_for(spec.application, f"{spec.name}-leader")
    runtime.tasks.append(
        asyncio.create_task(lead(lease, leader_jobs, stopping, name=f"{spec.name}-leader"))
    )
    for job in spec.background:
        runtime.tasks.append(asyncio.create_task(job(stopping)))
    if spec.tokens.feed is not None:  # every replica follows lapor.tokens.v1 itself
        runtime.tasks.append(asyncio.create_task(spec.tokens.feed.run(stopping)))
    runtime.ready = True
    log.info("service-started", service=spec.name)


async def _stop(spec: ServiceSpec, runtime: Runtime, stopping: asyncio.Event) -> None:
    runtime.ready = False
    stopping.set()
    await runtime.broker.stop()
    for task in runtime.tasks:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, timeout=10)
    if runtime.producer is not None:
        await runtime.producer.stop()
    if runtime.lag is not None:
        await runtime.lag.close()
    for close in spec.on_close:
        close()
    with contextlib.suppress(Exception):
        spec.application.close()
    log.info("service-stopped", service=spec.name)


NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"description": "Not ready: `reasons` names what is missing (broker, store, relay)"}
}


def _add_operational_routes(app: FastAPI, spec: ServiceSpec, runtime: Runtime) -> None:
    @app.get("/health/live", tags=["operations"])
    async def live() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get("/health/ready", tags=["operations"], responses=NOT_READY)
    async def ready() -> JSONResponse:
        """The broker, the producer, the relay, the event store and the background jobs are up."""
        healthy = runtime.ready and all(not t.done() for t in runtime.tasks)
        if runtime.relay is not None and runtime.relay.stuck(RELAY_GRACE_SECONDS):
            healthy = False  # events are recorded but cannot be published
        reasons = [c.health.reason for c in runtime.consumers if c.health.reason]
        reasons += spec.tokens.loading()
        healthy = healthy and not reasons
        if healthy:
            healthy = await runtime.broker.ping(timeout=2)
        if not healthy:
            body: dict[str, Any] = {"status": "not-ready"}
            if reasons:
                body["reasons"] = sorted(set(reasons))
            return JSONResponse(body, status_code=503)
        degraded = [reason for check in spec.health for reason in check()]
        if degraded:
            return JSONResponse({"status": "degraded", "reasons": degraded})
        return JSONResponse({"status": "ready"})

    document: list[Any] = []  # built once: it costs seconds of CPU and never changes

    @app.get("/asyncapi.json", tags=["operations"])
    async def asyncapi() -> JSONResponse:
        """The AsyncAPI 3 document of this service's topics (what SKPD integrators read)."""
        if not document:
            document.append(asyncapi_document(spec, runtime.broker))
        return JSONResponse(document[0])

    if spec.common.test_mode and isinstance(spec.clock, OffsetClock):
        clock = spec.clock
        admin = require(spec.tokens, "admin")

        @app.post("/v1/test/clock/advance", tags=["test"], dependencies=[Depends(admin)])
        async def advance(body: ClockAdvance) -> dict[str, str]:
            """Move this service's clock forward (test mode only)."""
            return {"now": clock.advance(timedelta(seconds=body.seconds)).isoformat()}
