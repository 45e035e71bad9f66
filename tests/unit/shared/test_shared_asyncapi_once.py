"""The AsyncAPI document is built once per process: building it costs seconds on a busy host."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared import runtime
from tests.unit.shared.test_shared_runtime import Collector, spec


def test_the_asyncapi_document_is_built_once_and_served_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[Any] = []
    original = runtime.asyncapi_document

    def counting(*args: Any) -> Any:
        built.append(original(*args))
        return built[-1]

    monkeypatch.setattr(runtime, "asyncapi_document", counting)
    client = TestClient(runtime.build_app(spec(Collector())))  # no lifespan: no broker
    first, second = client.get("/asyncapi.json"), client.get("/asyncapi.json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["asyncapi"].startswith("3.")
    assert len(built) == 1
