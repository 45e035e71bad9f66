"""The tracking service as the runtime gets it from bootstrap."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tracking_helpers import START, FixedClock, settings

from shared import contracts as c
from shared import topics
from shared.clock import OffsetClock
from shared.directory import body_codes
from shared.runtime import ServiceSpec, build_app
from tracking.bootstrap import bootstrap

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def _spec(tmp_path: Path) -> ServiceSpec:
    return bootstrap(settings(tmp_path), clock=FixedClock(START), env=POPO)


def test_tracking_reads_reports_dispositions_and_every_actions_topic(tmp_path: Path) -> None:
    subscriptions = {sub.name: list(sub.topics) for sub in _spec(tmp_path).subscriptions}
    assert subscriptions == {
        "reports": [topics.REPORTS],
        "dispositions": [topics.DISPOSITIONS],
        "actions": [topics.skpd_actions_topic(code) for code in body_codes()],
    }


def test_tracking_publishes_case_events_only_on_the_cases_topic(tmp_path: Path) -> None:
    published = _spec(tmp_path).publishes
    assert {topic for topic, _ in published} == {topics.CASES}
    contract = {cls.event_type for cls in c.CaseEvent.__subclasses__()}
    assert {event.event_type for _, event in published} == contract


def test_test_mode_gives_a_clock_tests_can_move(tmp_path: Path) -> None:
    test_settings = settings(tmp_path)
    test_settings.common.test_mode = True
    assert isinstance(bootstrap(test_settings, env=POPO).clock, OffsetClock)


def test_service_answers_unknown_tracking_ids_with_404(tmp_path: Path) -> None:
    client = TestClient(build_app(_spec(tmp_path)))  # no lifespan: nothing reaches Kafka
    assert client.get("/v1/reports/LPR-NOTHERE").status_code == 404
