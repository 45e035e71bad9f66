"""The personal status link: a secret per report, only its hash kept, proving the reporter."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from intake_helpers import Feed, as_role, message, published, tracking_id_of

from intake.adapters.keys import link_hash
from intake.application.app import IntakeApplication
from intake.domain.report import Report
from shared.contracts import Reporter, ReporterRatingReceived, ReporterReplyReceived

WEB_REPORTER = Reporter(name="Siti", email="siti@contoh.id")


@pytest.fixture
def report(app: IntakeApplication, feed: Feed) -> Report:
    feed(message("w-1", channel="web", reporter=WEB_REPORTER))
    return app.report_by_tracking_id(tracking_id_of(app, "w-1", "web"))


def secret_of(client: TestClient, report: Report, role: str = "adapter") -> str:
    answer = client.get(f"/v1/vault/{report.reporter_ref}", headers=as_role(role))
    assert answer.status_code == 200, answer.text
    link: str = answer.json()["status_link"]
    return link.rsplit("/pantau/", 1)[1]


def post(client: TestClient, path: str, **body: Any) -> Any:
    return client.post(f"/v1/status-links/{path}", json=body, headers=as_role("adapter"))


def test_the_vault_gives_a_delivering_adapter_a_link_that_opens_the_report(
    client: TestClient, report: Report
) -> None:
    secret = secret_of(client, report)
    assert len(secret) >= 32 and report.tracking_id not in secret
    opened = post(client, "open", secret=secret)
    assert opened.status_code == 200
    assert opened.json() == {"tracking_id": report.tracking_id}


def test_the_same_report_always_gets_the_same_link(client: TestClient, report: Report) -> None:
    assert secret_of(client, report) == secret_of(client, report, "notification")


def test_an_skpd_never_gets_the_reporters_link(
    client: TestClient, app: IntakeApplication, report: Report, routing_feed: Feed
) -> None:
    from test_intake_vault_rules import disposed

    routing_feed(disposed(report, "PDAM"))
    answer = client.get(f"/v1/vault/{report.reporter_ref}", headers=as_role("skpd:PDAM"))
    assert answer.status_code == 200 and answer.json()["status_link"] is None


def test_only_the_secrets_hash_is_kept(
    client: TestClient, app: IntakeApplication, report: Report
) -> None:
    secret = secret_of(client, report)
    keys = app.vault.keyring.rows
    assert keys.link_owner(link_hash(secret)) == report.reporter_ref
    assert keys.link_owner(secret) is None
    stored = b"".join(n.state for n in app.recorder.select_notifications(1, 100_000))
    assert secret.encode() not in stored


@pytest.mark.parametrize("secret", ["x" * 32, "y", "..%2Fpantau", "a\x00b", "é" * 40])
def test_an_unknown_secret_is_404_without_a_hint(client: TestClient, secret: str) -> None:
    answer = post(client, "open", secret=secret)
    assert answer.status_code == 404
    assert answer.json() == {"detail": "tautan tidak dikenal"}


def test_erasing_the_reporter_kills_the_link(client: TestClient, report: Report) -> None:
    secret = secret_of(client, report)
    erased = client.delete(f"/v1/reports/{report.tracking_id}/identity", headers=as_role("admin"))
    assert erased.status_code == 200
    assert post(client, "open", secret=secret).status_code == 404
    reply = post(client, "replies", secret=secret, message_id="r-1", text="masih bocor")
    assert reply.status_code == 404


def test_the_link_needs_an_adapters_credentials(client: TestClient, report: Report) -> None:
    secret = secret_of(client, report)
    answer = client.post("/v1/status-links/open", json={"secret": secret})
    assert answer.status_code == 401


def test_a_reply_through_the_link_is_published_like_balas(
    client: TestClient, app: IntakeApplication, report: Report
) -> None:
    secret = secret_of(client, report)
    answer = post(client, "replies", secret=secret, message_id="r-1", text="Air masih keruh")
    assert answer.status_code == 201
    assert (answer.json()["status"], answer.json()["tracking_id"]) == ("reply", report.tracking_id)
    reply = published(app)[-1]
    assert isinstance(reply, ReporterReplyReceived)
    assert (reply.report_id, reply.text, reply.channel) == (report.id, "Air masih keruh", "web")
    assert secret not in reply.model_dump_json()


def test_the_same_message_id_again_is_one_reply(
    client: TestClient, app: IntakeApplication, report: Report
) -> None:
    secret = secret_of(client, report)
    post(client, "replies", secret=secret, message_id="r-1", text="Air masih keruh")
    again = post(client, "replies", secret=secret, message_id="r-1", text="Air masih keruh")
    assert again.status_code == 200 and again.json()["status"] == "reply"
    replies = [e for e in published(app) if isinstance(e, ReporterReplyReceived)]
    assert len(replies) == 1


def test_a_rating_through_the_link_is_published_like_nilai(
    client: TestClient, app: IntakeApplication, report: Report
) -> None:
    secret = secret_of(client, report)
    answer = post(client, "ratings", secret=secret, message_id="n-1", rating=4, comment="cepat")
    assert answer.status_code == 201 and answer.json()["status"] == "rating"
    rating = published(app)[-1]
    assert isinstance(rating, ReporterRatingReceived)
    assert (rating.report_id, rating.rating, rating.comment) == (report.id, 4, "cepat")


@pytest.mark.parametrize(
    "body",
    [{"rating": 6}, {"rating": 0}, {"rating": "lima"}, {"rating": 3, "message_id": ""}],
)
def test_a_rating_out_of_range_or_without_message_id_is_422(
    client: TestClient, report: Report, body: dict[str, Any]
) -> None:
    secret = secret_of(client, report)
    answer = post(client, "ratings", **{"secret": secret, "message_id": "n-1", **body})
    assert answer.status_code == 422


def test_an_empty_reply_is_422(client: TestClient, report: Report) -> None:
    answer = post(client, "replies", secret=secret_of(client, report), message_id="r", text=" ")
    assert answer.status_code == 422


def test_a_lone_surrogate_is_422_naming_the_field_never_500(client: TestClient) -> None:
    headers = {**as_role("adapter"), "content-type": "application/json"}
    body = b'{"secret": "x", "message_id": "\\ud800", "text": "Air masih keruh"}'
    answer = client.post("/v1/status-links/replies", content=body, headers=headers)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"][-1] == "message_id"
