"""The plumbing's quicker ways give exactly what the plain ways gave."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, event

from shared import topics
from shared.contracts import Channel, DeliveryReported, DeliveryStatus, ReportAccepted, ReportKind
from shared.messaging import codec
from shared.processing import EVENT_ID_NAMESPACE, Batch, derived_id

AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_a_derived_id_is_uuid5_of_the_parts_joined_by_colons() -> None:
    ref = uuid.UUID("0d3e4a4f-9b1e-4f6a-8c55-3f0f3c1d2e7a")
    for parts in [("notification", ref, "sms"), (ref, 3, 0), ("digest", "2026-11-27"), ()]:
        expected = uuid.uuid5(EVENT_ID_NAMESPACE, ":".join(str(p) for p in parts))
        assert derived_id(*parts) == expected
        assert derived_id(*parts) == expected  # again, from the cache


def test_parts_equal_in_python_but_spelt_differently_give_different_ids() -> None:
    assert derived_id("x", True) != derived_id("x", 1)
    assert derived_id("x", 1.0) != derived_id("x", 1)


def test_an_encoded_event_is_its_wire_object_with_type_and_version_first() -> None:
    events = [
        ReportAccepted(
            occurred_at=AT,
            report_id=uuid.uuid4(),
            tracking_id="LPR-00000001",
            channel=Channel.WEB,
            kind=ReportKind.PENGADUAN,
            text='Air "PDAM" mati \\ sejak pagi\nDi Jl. Kuin — 漢字 😀',
            reporter_ref="rref-1",
            received_at=AT,
            location={"latitude": -3.3194374, "longitude": 114.5907502, "kelurahan": "Kuin"},
        ),
        DeliveryReported(
            occurred_at=AT,
            notification_id=uuid.uuid4(),
            channel=Channel.SMS,
            status=DeliveryStatus.DELIVERED,
        ),
    ]
    for topic, e in zip((topics.REPORTS, topics.DELIVERY), events, strict=True):
        value = codec.encode(e)
        assert json.loads(value) == json.loads(json.dumps(e.wire()))
        assert list(json.loads(value))[:2] == ["event_type", "schema_version"]
        assert codec.decode(topic, value, 1 << 20) == e


class Counter(Aggregate):
    @event("Started")
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @event("Counted")
    def count_one(self) -> None:
        self.count += 1


def test_a_batch_collects_what_eventsourcing_would_collect() -> None:
    def made() -> tuple[Counter, Counter]:
        first, second = Counter("a"), Counter("b")
        second.count_one()
        return first, second

    plain, batch = ProcessingEvent[uuid.UUID](), Batch()
    a, b = made()
    plain.collect_events(a, None, b, extra=1)
    c, d = made()
    batch.collect_events(c, None, d, extra=1)
    assert [type(e).__qualname__ for e in batch.events] == [
        type(e).__qualname__ for e in plain.events
    ]
    assert list(batch.aggregates) == [c.id, d.id] and batch.saved_kwargs == {"extra": 1}
    assert c.collect_events() == [] and d.collect_events() == []
