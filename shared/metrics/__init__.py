"""Prometheus metrics of one service: its own registry, the pipeline's series, `/metrics`."""

from shared.metrics.service import ConsumerMetrics, HttpMetrics, MetricSource, ServiceMetrics

__all__ = ["ConsumerMetrics", "HttpMetrics", "MetricSource", "ServiceMetrics"]
