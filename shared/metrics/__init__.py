"""Prometheus metrics of one service: its own registry, the pipeline's series, `/metrics`."""

from shared.metrics.service import MetricSource, ServiceMetrics

__all__ = ["MetricSource", "ServiceMetrics"]
