"""Tracking reads three kinds of topic in one fetch and one transaction: a report, its
disposition and the bodies' actions, each record judged by the topic it came in."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.structs import ConsumerRecord
from tracking_helpers import DISPOSITIONS, DLH_ACTIONS, PDAM, PDAM_ACTIONS, REPORTS, Feed, Report

from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer
from tracking.application.app import TrackingApplication


def records(topic: str, *messages: Any) -> list[ConsumerRecord[bytes, bytes]]:
    """Messages as the broker hands them over: offsets from 0 in partition 2 of the topic."""
    found = []
    for offset, message in enumerate(messages):
        value, headers = codec.encode(message), list(codec.headers(message))
        key = str(message.report_id).encode()
        found.append(ConsumerRecord(topic, 2, offset, 0, 0, key, value, None, len(key),
                                    len(value), headers))  # fmt: skip
    return found


def test_a_report_its_disposition_and_actions_in_one_fetch_are_one_transaction(
    app: TrackingApplication, feed: Feed
) -> None:
    report = Report()
    kinds: list[str] = []
    consumer = IdempotentConsumer(
        app, service="tracking", max_bytes=65536, observe=lambda kind, *_: kinds.append(kind)
    )
    fetch = records(REPORTS, report.received()) + records(DISPOSITIONS, report.disposed(PDAM))
    fetch += records(DLH_ACTIONS, report.resolve("PDAM"))  # DLH may not act for PDAM
    fetch += records(PDAM_ACTIONS, report.acknowledge("PDAM"))
    asyncio.run(consumer.handle(fetch))
    assert kinds == ["batch"]
    assert feed.types() == ["CaseOpened", "CaseDisposed", "CaseAcknowledged"]
    [dead] = feed.dead_letters()
    assert dict(dead.headers)["lapor.dlq.reason"] == b"ActingForAnotherBody"
    assert dict(dead.headers)["lapor.dlq.source.topic"] == DLH_ACTIONS.encode()
    names = [f"{topic}:2" for topic in (REPORTS, DISPOSITIONS, DLH_ACTIONS, PDAM_ACTIONS)]
    assert [app.position(name) for name in names] == [1, 1, 1, 1]
