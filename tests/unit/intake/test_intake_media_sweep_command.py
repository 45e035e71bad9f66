"""`lapor media sweep`: asks the running intake (here its real app, over a test transport) to
sweep; one forgotten id a line on stdout, a summary on stderr, exit 1 refused, 2 unreachable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from intake_helpers import START, TOKENS, build
from typer.testing import CliRunner

from intake.adapters.photos import clean_photo
from intake.application.app import IntakeApplication
from intake.domain.photos import PhotoRules
from services.cli import state as dev_state
from services.cli.main import app as cli
from services.cli.state import DevState
from shared.clock import FixedClock
from shared.runtime import build_app
from tests.photos import phone_jpeg


def state(token: str) -> DevState:
    return DevState(kafka_bootstrap_servers="", urls={"intake": "http://intake"},
                    tokens={"admin": token})  # fmt: skip


def sweep_against(monkeypatch: pytest.MonkeyPatch, client: TestClient, token: str) -> Any:
    monkeypatch.setattr(DevState, "load", classmethod(lambda cls, folder=None: state(token)))

    def request(method: str, url: str, **options: Any) -> httpx.Response:
        path = url.removeprefix("http://intake")
        answer = client.request(method, path, headers=options["headers"])
        return httpx.Response(answer.status_code, content=answer.content)

    monkeypatch.setattr(dev_state.httpx, "request", request)
    return CliRunner().invoke(cli, ["media", "sweep"])


def test_the_command_prints_each_forgotten_photo(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FixedClock(START)
    spec = build(clock)
    app: IntakeApplication = spec.application
    [url] = app.photos.keep([clean_photo(phone_jpeg(), PhotoRules())])
    clock.moment = START + timedelta(hours=25)
    ran = sweep_against(monkeypatch, TestClient(build_app(spec)), TOKENS["admin"])
    assert (ran.exit_code, ran.stdout) == (0, url.rsplit("/", 1)[1] + "\n")
    assert "1 photo(s)" in ran.stderr


def test_a_refused_sweep_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = sweep_against(monkeypatch, TestClient(build_app(build())), TOKENS["adapter"])
    assert ran.exit_code == 1 and "not swept (403)" in ran.stderr and ran.stdout == ""


def test_an_intake_that_does_not_answer_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DevState, "load", classmethod(lambda cls, folder=None: state("x")))

    def refused(method: str, url: str, **options: Any) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    monkeypatch.setattr(dev_state.httpx, "request", refused)
    ran = CliRunner().invoke(cli, ["media", "sweep"])
    assert ran.exit_code == 2 and "intake did not answer" in ran.stderr
