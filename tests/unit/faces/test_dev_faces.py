"""`lapor dev up` starts the faces after the services and prints where they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from services.cli import dev
from services.cli.main import app
from services.cli.state import DevState


def test_faces_get_the_service_urls_and_the_adapter_and_analyst_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, dict[str, str]] = {}

    def start(name: str, folder: Path, state: DevState, extra: dict[str, str] | None = None) -> int:
        started[name] = extra or {}
        return 4242

    monkeypatch.setattr(dev, "start_service", start)
    monkeypatch.setattr(dev, "port_in_use", lambda port: False)
    names = ("intake", "routing", "tracking", "notification")
    state = DevState(urls={n: f"http://127.0.0.1:{p}" for p, n in enumerate(names, start=1)})
    state.ensure_tokens()
    dev._start_faces(tmp_path, state)
    assert set(started) == {"open311", "web"}
    web = started["web"]
    assert web["LAPOR_WEB_ADAPTER_TOKEN"] == state.tokens["adapter"]
    assert web["LAPOR_WEB_ANALYST_TOKEN"] == state.tokens["analyst"]
    assert web["LAPOR_TRACKING_URL"] == "http://127.0.0.1:3"
    assert state.urls["open311"] == "http://127.0.0.1:8105" and state.pids["web"] == 4242


def test_dev_up_prints_the_faces_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("intake", "routing", "tracking", "notification", "open311", "web")
    urls: dict[str, Any] = {n: f"http://127.0.0.1:{8101 + i}" for i, n in enumerate(names)}
    monkeypatch.setattr(dev, "up", lambda secure=False: DevState(urls=urls))
    printed = CliRunner().invoke(app, ["dev", "up"]).output.splitlines()
    assert "OPEN311_URL=http://127.0.0.1:8105/open311/v2" in printed
    assert "WEB_URL=http://127.0.0.1:8106/" in printed
    assert "DASHBOARD_URL=http://127.0.0.1:8106/dasbor" in printed
