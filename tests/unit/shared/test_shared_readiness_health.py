"""Readiness names the reasons a service is degraded but still serving (it stays 200)."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from shared.runtime import build_app
from tests.unit.shared.test_shared_runtime import Collector, spec


async def _answers(timeout: float) -> bool:
    return True


def _ready_with(*reasons: str) -> TestClient:
    app = build_app(dataclasses.replace(spec(Collector()), health=[lambda: list(reasons)]))
    app.state.runtime.ready = True  # as after a start; the broker answers
    app.state.runtime.broker.ping = _answers
    return TestClient(app)


def test_a_degraded_service_is_ready_and_says_why() -> None:
    answer = _ready_with("projection cases: 1 event(s) quarantined").get("/health/ready")
    assert (answer.status_code, answer.json()) == (
        200,
        {"status": "degraded", "reasons": ["projection cases: 1 event(s) quarantined"]},
    )


def test_without_reasons_the_service_is_plainly_ready() -> None:
    assert _ready_with().get("/health/ready").json() == {"status": "ready"}
