"""The routing service as the runtime sees it: subscriptions, publishers, settings."""

from __future__ import annotations

from fastapi.testclient import TestClient

from routing.settings import RoutingSettings
from shared import topics
from shared.directory import body_codes
from shared.runtime import ServiceSpec, build_app


def test_routing_reads_reports_and_cases(spec: ServiceSpec) -> None:
    assert [(s.name, list(s.topics)) for s in spec.subscriptions] == [
        ("reports", [topics.REPORTS]),
        ("cases", [topics.CASES]),
    ]
    assert all(s.processor is spec.application for s in spec.subscriptions)


def test_routing_publishes_dispositions_and_every_body_topic(spec: ServiceSpec) -> None:
    published = {(topic, event.event_type) for topic, event in spec.publishes}
    for event_type in ("ReportDisposed", "ReportAwaitingTriage", "ReportRedisposed"):
        assert (topics.DISPOSITIONS, event_type) in published
    for code in body_codes():
        assert (topics.skpd_topic(code), "ReportRouted") in published


def test_asyncapi_document_names_the_body_topics(spec: ServiceSpec) -> None:
    client = TestClient(build_app(spec))  # no lifespan: nothing connects
    document = client.get("/asyncapi.json").json()
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert {topics.REPORTS, topics.CASES, topics.skpd_topic("PDAM")} <= addresses


def test_settings_come_from_the_routing_prefix(monkeypatch) -> None:
    monkeypatch.setenv("LAPOR_ROUTING_PORT", "9102")
    monkeypatch.setenv("LAPOR_ROUTING_MIN_CONFIDENCE", "0.25")
    settings = RoutingSettings()
    assert (settings.port, settings.min_confidence, settings.host) == (9102, 0.25, "127.0.0.1")
    assert settings.triage_code == "SETDA-HUMAS"
