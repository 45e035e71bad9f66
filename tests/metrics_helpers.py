"""Reading a `/metrics` answer in tests: every sample by name and labels."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples_of(answer: Any) -> Samples:
    """The samples of a `/metrics` HTTP answer (httpx or TestClient), which must be 200 text."""
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (KeyError when the series is absent)."""
    return samples[(name, frozenset(labels.items()))]


def series(samples: Samples, name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample of one name, with its labels."""
    return [(dict(labels), v) for (n, labels), v in samples.items() if n == name]
