"""The faces serve `/metrics` too: HTTP latency by route template, never a tracking id."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build as build_open311
from services.faces.web.app import build as build_web
from shared.auth import TokenStore
from shared.clock import FixedClock
from tests.metrics_helpers import samples_of, value
from tests.unit.faces.conftest import NOW


def test_open311_times_requests_by_route_template(
    backends: Backends, settings: EdgeSettings
) -> None:
    client = TestClient(build_open311(settings, backends, FixedClock(NOW)))
    status = client.get("/open311/v2/requests/LPR-TIDAKADA.json").status_code
    answer = client.get("/metrics")
    route = "/open311/v2/requests/{service_request_id}.{fmt}"
    count = "lapor_http_request_duration_seconds_count"
    assert value(samples_of(answer), count, method="GET", route=route, status=str(status)) == 1
    assert "LPR-TIDAKADA" not in answer.text


def test_the_web_pages_serve_metrics(
    backends: Backends, settings: EdgeSettings, tmp_path: Path
) -> None:
    client = TestClient(build_web(settings, backends, TokenStore({}, tmp_path / "tokens.json")))
    assert client.get("/tidak-ada").status_code == 404
    samples = samples_of(client.get("/metrics"))
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(samples, "lapor_http_request_duration_seconds_count", **unmatched) == 1
