"""The admin's disposition reason keeps the text rule before it reaches routing's store."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from routing_helpers import TOKENS, Feed, accepted, of_type, published

from routing.application.app import RoutingApplication
from shared.runtime import ServiceSpec, build_app

ADMIN = {"Authorization": f"Bearer {TOKENS['admin']}"}


def test_a_reason_with_nul_and_a_lone_surrogate_is_stored_and_published_clean(
    spec: ServiceSpec, feed: Feed, app: RoutingApplication
) -> None:
    report = accepted("mohon diperhatikan, sudah lama begini terus")
    feed(report)
    body = {"skpd_code": "DPUPR", "reason": " jalan\u0000 kota\r\nrusak \ud800 "}
    client = TestClient(build_app(spec))  # no lifespan: nothing connects
    response = client.post(
        f"/v1/reports/{report.tracking_id}/disposition",
        content=json.dumps(body),  # ASCII escapes: the lone surrogate arrives as JSON allows
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    [disposed] = of_type(published(app), "ReportDisposed")
    assert disposed.event.reason == "jalan kota\nrusak \ufffd"


def test_a_reason_over_its_byte_limit_is_422_naming_it(spec: ServiceSpec, feed: Feed) -> None:
    report = accepted("mohon diperhatikan, sudah lama begini terus")
    feed(report)
    body = {"skpd_code": "DPUPR", "reason": "\U0001f62d" * 400}
    client = TestClient(build_app(spec))
    response = client.post(
        f"/v1/reports/{report.tracking_id}/disposition", json=body, headers=ADMIN
    )
    assert response.status_code == 422
    assert "at most 1500 bytes of UTF-8" in response.text and "reason" in response.text
