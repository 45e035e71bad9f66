"""Odd input schemathesis found: an answer naming the problem, never a database error (500)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tracking_helpers import TOKENS


def test_a_feed_offset_larger_than_any_database_integer_is_422_naming_offset(
    client: TestClient,
) -> None:
    answer = client.get("/v1/feed", params={"offset": 17441871310946565338690410774528})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "offset"]


def test_a_desk_offset_larger_than_any_database_integer_is_422_naming_offset(
    client: TestClient,
) -> None:
    answer = client.get(
        "/v1/skpd/PDAM/reports",
        params={"offset": 2**70},
        headers={"Authorization": f"Bearer {TOKENS['skpd:PDAM']}"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "offset"]


def test_every_authenticated_route_documents_401_and_403(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    guarded = [
        (path, op) for path, ops in paths.items() for op in ops.values() if op.get("security")
    ]
    assert guarded
    assert all({"401", "403"} <= set(op["responses"]) for _, op in guarded), guarded
