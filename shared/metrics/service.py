"""The series every service exposes, in a registry of its own (tests build many apps at once)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared import topics
from shared.logging import get_logger

log = get_logger(__name__)

BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
HTTP_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class MetricSource:
    """A gauge a service adds to its `/metrics`, read when scraped (off the event loop)."""

    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], Mapping[tuple[str, ...], float]]


class _Sources(Collector):
    """Gauges read at scrape time; a source that fails is left out and logged, never a 500."""

    def __init__(self, sources: Sequence[MetricSource]) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        for source in self.sources:
            try:
                values = source.read()
            except Exception as error:  # the store may be away: the other series still answer
                log.warning("metric-read-failed", metric=source.name, error=repr(error))
                continue
            family = GaugeMetricFamily(source.name, source.documentation, labels=source.labels)
            for labels, value in values.items():
                family.add_metric(list(labels), value)
            yield family


class HttpMetrics:
    """A registry of one app's own: HTTP latency and the gauges it reads when scraped."""

    def __init__(self, sources: Sequence[MetricSource] = ()) -> None:
        self.registry = CollectorRegistry()
        self.http_seconds = Histogram(
            "lapor_http_request_duration_seconds", "HTTP requests by method, route, status",
            ["method", "route", "status"], buckets=HTTP_SECONDS, registry=self.registry,
        )  # fmt: skip
        self.registry.register(_Sources(sources))


class ConsumerMetrics(HttpMetrics):
    """A process that reads Kafka: consumer lag per partition and dead letters by reason."""

    def __init__(self, sources: Sequence[MetricSource] = ()) -> None:
        super().__init__(sources)
        self.dead_letters = Counter(
            "lapor_dead_letters", "Dead letters this process published, by reason and source topic",
            ["reason", "source_topic"], registry=self.registry,
        )  # fmt: skip
        self.consumer_lag = Gauge(
            "lapor_consumer_lag", "Records on the broker past the group's committed offset",
            ["group", "topic", "partition"], registry=self.registry,
        )  # fmt: skip

    def dead_lettered(self, reason: str, source_topic: str) -> None:
        """One dead letter was published."""
        self.dead_letters.labels(reason, source_topic).inc()

    def set_lags(self, lags: Iterable[tuple[str, str, int, int]]) -> None:
        """Replace the lag gauge with (group, topic, partition, lag) of the assigned partitions."""
        self.consumer_lag.clear()
        for group, topic, partition, lag in lags:
            self.consumer_lag.labels(group, topic, str(partition)).set(lag)


class ServiceMetrics(ConsumerMetrics):
    """The instruments of one service; the consumer, the relay and the HTTP layer feed them."""

    def __init__(self, sources: Sequence[MetricSource] = ()) -> None:
        super().__init__(sources)
        r = self.registry
        self.consumer_batch_records = Histogram(
            "lapor_consumer_batch_records",
            "Records in one batch transaction (a fetch's partitions, or one partition's)",
            ["subscription"], buckets=BATCH_SIZES, registry=r,
        )  # fmt: skip
        self.consumer_batch_seconds = Histogram(
            "lapor_consumer_batch_seconds", "Time to process one batch transaction",
            ["subscription"], registry=r,
        )  # fmt: skip
        self.store_transactions = Counter(
            "lapor_store_transactions", "Store transactions committed by the consumers and the "
            "relay, by kind: batch (a fetch's records), isolated (records one by one), relay",
            ["kind"], registry=r,
        )  # fmt: skip
        self.relay_batch_notifications = Histogram(
            "lapor_relay_batch_notifications", "Outbox rows published in one relay batch",
            buckets=BATCH_SIZES, registry=r,
        )  # fmt: skip
        self.relay_batch_seconds = Histogram(
            "lapor_relay_batch_seconds", "Time to publish one relay batch and store its position",
            registry=r,
        )  # fmt: skip

    def consumer_transaction(
        self, subscription: str, kind: str, records: int, seconds: float
    ) -> None:
        """The idempotent consumer committed a transaction (`batch` ones are measured too)."""
        self.store_transactions.labels(kind).inc()
        if kind == "batch":
            self.consumer_batch_records.labels(subscription).observe(records)
            self.consumer_batch_seconds.labels(subscription).observe(seconds)

    def relay_batch(self, rows: Sequence[Any], seconds: float) -> None:
        """The relay published outbox rows; it stores their position (a transaction) next round.

        A dead letter's copy names its reason and source topic in its headers (nothing decoded).
        """
        self.store_transactions.labels("relay").inc()
        self.relay_batch_notifications.observe(len(rows))
        self.relay_batch_seconds.observe(seconds)
        for row in rows:
            if row.topic == topics.DEADLETTER:
                headers = dict(row.headers)
                reason = headers.get("lapor.dlq.reason", b"").decode(errors="replace")
                source = headers.get("lapor.dlq.source.topic", b"").decode(errors="replace")
                self.dead_lettered(reason, source)


def relay_backlog(recorder: Any, position: str) -> MetricSource:
    """Outbox rows recorded but not yet published: the outbox's head minus the relay's position."""

    def read() -> dict[tuple[str, ...], float]:
        head = recorder.max_outbox_id()
        return {(): max(0, head - (recorder.max_tracking_id(position) or 0))}

    return MetricSource(
        "lapor_relay_backlog", "Outbox rows recorded but not yet published", (), read
    )
