"""How the runtime's parts report to a service's metrics: the relay, the backlog, the lag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.messaging.batches import BatchProducer
from shared.messaging.kafka_auth import client_options
from shared.messaging.relay import OutboxRelay, position_name
from shared.metrics.lag import LagReader
from shared.metrics.service import ServiceMetrics, relay_backlog

if TYPE_CHECKING:
    from shared.runtime import Runtime, ServiceSpec


def relay_name(spec: ServiceSpec) -> str:
    """The relay's tracking name (its position in the service's store)."""
    return f"outbox-relay:{spec.name}"


def relay_for(spec: ServiceSpec, producer: BatchProducer, metrics: ServiceMetrics) -> OutboxRelay:
    """The outbox relay of a service, reporting its batches and dead letters to the metrics."""
    return OutboxRelay(
        spec.application, producer, spec.translate, name=relay_name(spec),
        gather_seconds=spec.common.relay_gather_seconds, observe=metrics.relay_batch,
    )  # fmt: skip


def service_metrics(spec: ServiceSpec) -> ServiceMetrics:
    """The service's registry: the runtime's series, the relay backlog and the spec's own."""
    recorder = getattr(spec.application, "recorder", None)
    outbox = recorder is not None and hasattr(recorder, "max_outbox_id")
    backlog = [relay_backlog(recorder, position_name(relay_name(spec)))] if outbox else []
    return ServiceMetrics([*backlog, *spec.metrics])


async def refresh_lag(spec: ServiceSpec, runtime: Runtime) -> None:
    """Consumer lag of the partitions assigned now (kept empty while the service is down)."""
    if not runtime.ready:
        runtime.metrics.set_lags(())
        return
    runtime.lag = runtime.lag or LagReader(client_options(spec.common))
    lags = await runtime.lag.read(runtime.loops)
    runtime.metrics.set_lags(lags or ())
