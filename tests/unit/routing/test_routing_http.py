"""The admin triage API over HTTP: roles, errors naming the problem, and the happy path."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from routing_helpers import STREET_LIGHT, TOKENS, Feed, accepted, of_type, published

from routing.application.app import RoutingApplication
from shared import topics
from shared.auth import digest
from shared.contracts import Actor, DispositionMethod, ReportDisposed, ReportRedisposed
from shared.contracts.tokens import TokenIssued
from shared.http import install_auth_errors
from shared.messaging import codec
from shared.runtime import ServiceSpec

UNCLEAR = "mohon diperhatikan, sudah lama begini terus"


@pytest.fixture
def client(spec: ServiceSpec) -> TestClient:
    api = FastAPI()
    install_auth_errors(api)
    for install in spec.install_handlers:
        install(api)
    for router in spec.routers:
        api.include_router(router)
    return TestClient(api)


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


def dispose(client: TestClient, tracking_id: str, code: str, role: str = "admin"):
    body = {"skpd_code": code, "reason": "jalan kota rusak"}
    return client.post(f"/v1/reports/{tracking_id}/disposition", json=body, headers=auth(role))


def test_triage_list_needs_a_token(client: TestClient) -> None:
    assert client.get("/v1/triage").status_code == 401


def test_triage_list_is_for_the_admin_only(client: TestClient) -> None:
    assert client.get("/v1/triage", headers=auth("analyst")).status_code == 403
    assert client.get("/v1/triage", headers=auth("skpd:PDAM")).status_code == 403


def test_disposition_by_hand_needs_a_token(client: TestClient) -> None:
    response = client.post("/v1/reports/LPR-00000001/disposition", json={"skpd_code": "DPUPR"})
    assert response.status_code == 401


def test_disposition_by_hand_is_for_the_admin_only(client: TestClient) -> None:
    assert dispose(client, "LPR-00000001", "DPUPR", role="skpd:PDAM").status_code == 403


def test_admin_sees_reports_awaiting_triage(client: TestClient, feed: Feed) -> None:
    report = accepted(UNCLEAR, title="Keluhan warga")
    feed(report, accepted(STREET_LIGHT))
    response = client.get("/v1/triage", headers=auth("admin"))
    assert response.status_code == 200
    [item] = response.json()
    assert (item["tracking_id"], item["title"]) == (report.tracking_id, "Keluhan warga")
    assert item["candidates"] and {"code", "score"} <= set(item["candidates"][0])
    assert "di bawah ambang" in item["reason"]


def test_the_triage_list_pages_and_says_how_many_wait(client: TestClient, feed: Feed) -> None:
    first, second = accepted(UNCLEAR, title="Satu"), accepted(UNCLEAR, title="Dua")
    feed(first, second)
    answer = client.get("/v1/triage", params={"limit": 1}, headers=auth("admin"))
    assert len(answer.json()) == 1 and answer.headers["x-total-count"] == "2"
    rest = client.get("/v1/triage", params={"offset": 1}, headers=auth("admin")).json()
    assert {answer.json()[0]["title"], rest[0]["title"]} == {"Satu", "Dua"}


def test_unknown_tracking_id_is_404(client: TestClient) -> None:
    response = dispose(client, "LPR-NOPE0000", "DPUPR")
    assert response.status_code == 404
    assert "LPR-NOPE0000" in response.json()["detail"]


def test_unknown_body_code_is_422_naming_it(client: TestClient, feed: Feed) -> None:
    report = accepted(UNCLEAR)
    feed(report)
    response = dispose(client, report.tracking_id, "DINAS-ANTAH")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "skpd_code"]
    assert "DINAS-ANTAH" in error["msg"]


def test_missing_body_code_is_422(client: TestClient) -> None:
    response = client.post("/v1/reports/LPR-1/disposition", json={}, headers=auth("admin"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "skpd_code"]


def test_admin_disposes_a_report_by_hand(
    client: TestClient, feed: Feed, app: RoutingApplication
) -> None:
    report = accepted(UNCLEAR)
    feed(report)
    response = dispose(client, report.tracking_id, "DPUPR")
    assert response.status_code == 200
    body = response.json()
    assert (body["skpd_code"], body["changed"]) == ("DPUPR", True)
    assert body["report_id"] == str(report.report_id)
    assert app.by_tracking_id(report.tracking_id).skpd_code == "DPUPR"
    assert client.get("/v1/triage", headers=auth("admin")).json() == []


def test_admin_redisposes_and_sees_where_it_was(client: TestClient, feed: Feed) -> None:
    report = accepted(STREET_LIGHT)
    feed(report)
    body = dispose(client, report.tracking_id, "DISHUB").json()
    assert (body["previous_code"], body["skpd_code"]) == ("DISPERKIM", "DISHUB")


def named_admin(spec: ServiceSpec, token: str, name: str) -> dict[str, str]:
    """A per-person admin token, as `lapor tokens issue admin --name …` announces it."""
    assert spec.tokens.registry is not None
    spec.tokens.registry.apply(
        TokenIssued(
            occurred_at=datetime(2026, 12, 7, tzinfo=UTC), digest=digest(token), role="admin",
            name=name, actor=Actor(role="operator", name="ops"),
        )
    )  # fmt: skip
    return {"Authorization": f"Bearer {token}"}


def test_a_disposition_by_hand_names_the_admin_who_made_it(
    client: TestClient, feed: Feed, app: RoutingApplication, spec: ServiceSpec
) -> None:
    report = accepted(UNCLEAR)
    feed(report)
    body = {"skpd_code": "DPUPR", "reason": "jalan kota rusak"}
    headers = named_admin(spec, "ani-token", "Ani Wulandari")
    url = f"/v1/reports/{report.tracking_id}/disposition"
    assert client.post(url, json=body, headers=headers).status_code == 200
    [disposed] = [o.event for o in of_type(published(app), "ReportDisposed")]
    assert isinstance(disposed, ReportDisposed) and disposed.actor == Actor(
        role="admin", name="Ani Wulandari"
    )


def test_a_redisposition_by_hand_names_the_admin_and_the_router_names_nobody(
    client: TestClient, feed: Feed, app: RoutingApplication, spec: ServiceSpec
) -> None:
    report = accepted(STREET_LIGHT)
    feed(report)
    [routed] = [o.event for o in of_type(published(app), "ReportDisposed")]
    assert isinstance(routed, ReportDisposed) and routed.actor is None
    body = {"skpd_code": "DISHUB", "reason": "bukan lampu kota"}
    headers = named_admin(spec, "budi-token", "Budi Santoso")
    client.post(f"/v1/reports/{report.tracking_id}/disposition", json=body, headers=headers)
    [redisposed] = [o.event for o in of_type(published(app), "ReportRedisposed")]
    assert isinstance(redisposed, ReportRedisposed) and redisposed.actor == Actor(
        role="admin", name="Budi Santoso"
    )
    assert ReportRedisposed.schema_version == 2 and ReportDisposed.schema_version == 3


def test_a_disposition_of_an_older_producer_reads_with_no_actor() -> None:
    legacy = ReportDisposed(
        occurred_at=datetime(2026, 12, 7, tzinfo=UTC), report_id=uuid4(), tracking_id="LPR-OLD0001",
        skpd_code="PDAM", skpd_name="PDAM", method=DispositionMethod.RULE, confidence=0.9,
    ).wire()  # fmt: skip
    del legacy["actor"]
    legacy["schema_version"] = 2
    decoded = codec.decode(topics.DISPOSITIONS, json.dumps(legacy).encode(), 65_536)
    assert isinstance(decoded, ReportDisposed) and decoded.actor is None


def test_dispositions_stored_before_the_actor_existed_read_with_no_actor(
    client: TestClient, feed: Feed, app: RoutingApplication, spec: ServiceSpec
) -> None:
    report = accepted(UNCLEAR)  # awaiting triage: the admin disposes, then re-disposes
    feed(report)
    headers = named_admin(spec, "citra-token", "Citra")
    for code in ("DPUPR", "DISHUB"):
        body = {"skpd_code": code, "reason": "uji"}
        client.post(f"/v1/reports/{report.tracking_id}/disposition", json=body, headers=headers)
    older = {"Disposed": 2, "Redisposed": 1}  # the class versions before `actor`
    read_back = []
    for notification in app.recorder.select_notifications(1, 10_000):
        kind = notification.topic.rsplit(".", 1)[-1]
        if kind not in older:
            continue
        state = app.mapper.transcoder.decode(notification.state)
        del state["actor"]
        state.pop("class_version", None)
        if older[kind] > 1:
            state["class_version"] = older[kind]
        legacy = replace(notification, state=app.mapper.transcoder.encode(state))
        read_back.append(app.mapper.to_domain_event(legacy))
    assert [type(e).__name__ for e in read_back] == ["Disposed", "Redisposed"]
    assert all(getattr(e, "actor", "missing") is None for e in read_back)
