"""Wiring: settings from the environment, the subscription and what intake publishes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from intake_helpers import START, FixedClock

from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from shared import topics
from shared.clock import OffsetClock, SystemClock
from shared.settings import CommonSettings

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def test_screening_thresholds_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LAPOR_INTAKE_MIN_WORDS", "7")
    monkeypatch.setenv("LAPOR_INTAKE_FLOOD_WINDOW_MINUTES", "30")
    monkeypatch.setenv("LAPOR_INTAKE_ABUSIVE_WORDS", '["Kurang Ajar", "sialan"]')
    rules = IntakeSettings().screening_rules()
    assert rules.min_words == 7
    assert rules.flood_window == timedelta(minutes=30)
    assert rules.abusive_words == frozenset({"kurang ajar", "sialan"})


def test_default_port_is_8101() -> None:
    assert IntakeSettings().port == 8101


def test_service_consumes_intake_messages_dispositions_and_cases() -> None:
    spec = bootstrap(IntakeSettings(), clock=FixedClock(START), env=POPO)
    consumed = {topic: sub.processor for sub in spec.subscriptions for topic in sub.topics}
    assert set(consumed) == {topics.INTAKE, topics.DISPOSITIONS, topics.CASES}
    assert all(processor is spec.application for processor in consumed.values())


def test_service_declares_every_report_event_it_publishes() -> None:
    spec = bootstrap(IntakeSettings(), clock=FixedClock(START), env=POPO)
    published = {(topic, event.event_type) for topic, event in spec.publishes}
    assert published == {
        (topics.REPORTS, name)
        for name in (
            "ReportAccepted",
            "ReportHeld",
            "ReportArchived",
            "ReportLinkedAsDuplicate",
            "ReporterReplyReceived",
            "ReporterRatingReceived",
            "ReporterStatusRequested",
        )
    }


def test_test_mode_gets_the_settable_clock() -> None:
    settings = IntakeSettings(common=CommonSettings(test_mode=True))
    assert isinstance(bootstrap(settings, env=POPO).clock, OffsetClock)


def test_production_gets_the_system_clock() -> None:
    settings = IntakeSettings(common=CommonSettings(test_mode=False))
    assert isinstance(bootstrap(settings, env=POPO).clock, SystemClock)
