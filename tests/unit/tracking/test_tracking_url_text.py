"""A URL holding a character no text may hold is refused by name, before any query runs."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tracking_helpers import START, TOKENS, FixedClock, settings

from shared.runtime import build_app
from tracking.bootstrap import bootstrap


def client(tmp_path: Path) -> TestClient:
    spec = bootstrap(
        settings(tmp_path),
        clock=FixedClock(START),
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
    )
    return TestClient(build_app(spec))  # no lifespan: nothing connects


def test_a_tracking_id_with_nul_is_422_naming_the_path(tmp_path: Path) -> None:
    response = client(tmp_path).get("/v1/reports/LPR-%00ABC")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["path"] and "U+0000" in error["msg"]


def test_a_filter_with_a_control_character_is_422_naming_the_parameter(tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {TOKENS['analyst']}"}
    response = client(tmp_path).get("/v1/stats?kecamatan=Banjar%1Bmasin", headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "kecamatan"]


def test_a_clean_url_passes_the_guard(tmp_path: Path) -> None:
    assert client(tmp_path).get("/v1/reports/LPR-UNKNOWN1").status_code == 404
