"""The notification service is assembled from its settings without connecting anywhere."""

from __future__ import annotations

import pytest

from notification.bootstrap import bootstrap
from notification.settings import NotificationSettings
from shared import topics
from shared.clock import OffsetClock
from shared.contracts import Channel, OutboundMessage
from shared.runtime import ServiceSpec, build_app
from shared.settings import CommonSettings

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture
def spec() -> ServiceSpec:
    return bootstrap(NotificationSettings(common=CommonSettings()), env=IN_MEMORY)


def test_it_listens_on_port_8104_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAPOR_NOTIFICATION_PORT", raising=False)
    assert NotificationSettings().port == 8104


def test_sms_messages_are_limited_to_three_segments_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LAPOR_NOTIFICATION_SMS_MAX_SEGMENTS", raising=False)
    assert NotificationSettings().limits().sms_segments == 3


def test_more_than_three_sms_segments_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAPOR_NOTIFICATION_SMS_MAX_SEGMENTS", "4")
    with pytest.raises(ValueError):
        NotificationSettings()


def test_quiet_hours_are_read_as_wita_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAPOR_NOTIFICATION_QUIET_START", "22:30")
    quiet = NotificationSettings().delivery().quiet
    assert (quiet.start.hour, quiet.start.minute, quiet.end.hour) == (22, 30, 7)


def test_it_consumes_cases_report_contacts_and_delivery(spec: ServiceSpec) -> None:
    assert {(s.name, tuple(s.topics)) for s in spec.subscriptions} == {
        ("cases", (topics.CASES,)),
        ("reports", (topics.REPORTS,)),
        ("delivery", (topics.DELIVERY,)),
    }


def test_it_publishes_only_on_topics_an_adapter_reads_or_readme_names(spec: ServiceSpec) -> None:
    shipped = [Channel.SMS, Channel.WHATSAPP, Channel.EMAIL]
    integration_points = [Channel.TWITTER]
    assert dict(spec.publishes) == {
        topics.outbound_topic(channel): OutboundMessage for channel in shipped + integration_points
    }


def test_test_mode_gets_a_clock_tests_can_move() -> None:
    spec = bootstrap(NotificationSettings(common=CommonSettings(test_mode=True)), env=IN_MEMORY)
    assert isinstance(spec.clock, OffsetClock)


def test_the_app_serves_the_notifications_route(spec: ServiceSpec) -> None:
    assert "/v1/notifications/{tracking_id}" in build_app(spec).openapi()["paths"]
