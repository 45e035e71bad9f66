"""Property tests: any record on any topic a service reads ends processed or rejected.

Decoding is fuzzed with any bytes, any JSON and contract-valid but odd messages. Each service is
built through its own bootstrap on in-memory persistence, and each generated record goes through
the idempotent consumer into the service's policies: the record must end processed or rejected
with a named reason (a dead letter), never in an unforeseen exception (`processing-failed`), and
its partition must move past it.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from aiokafka.structs import ConsumerRecord
from eventsourcing.application import AggregateNotFoundError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer, RetryPolicy
from shared.messaging.deadletter import DeadLetter, SourceRecord, dead_letter_id
from shared.runtime import ServiceSpec
from tests.fuzz_strategies import BODIES, any_json_object, json_values, odd_message
from tests.services_in_memory import close_all, in_memory_services

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def candidate_topics(spec: ServiceSpec) -> list[str]:
    """The topics a service reads (of the per-body ones, only the fuzzed bodies')."""
    found = [t for sub in spec.subscriptions for t in sub.topics]
    per_body = {topics.skpd_actions_topic(code) for code in BODIES}
    return [t for t in found if topics.body_of_actions_topic(t) is None or t in per_body]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServiceSpec]]:
    built = in_memory_services(tmp_path_factory.mktemp("fuzz"))
    yield built
    close_all(built)


class Feeder:
    """Hands one generated record at a time to a service, as its consumer would."""

    def __init__(self) -> None:
        self.offsets: dict[tuple[str, str], int] = defaultdict(int)

    def feed(self, spec: ServiceSpec, topic: str, value: bytes | None) -> str | None:
        """Process one record; the reason it was dead-lettered, or None."""
        [sub] = [s for s in spec.subscriptions if topic in s.topics]
        offset = self.offsets[(spec.name, topic)]
        self.offsets[(spec.name, topic)] += 1
        record = ConsumerRecord(topic, 0, offset, 0, 0, b"k", value, None, 1, 0, [])
        consumer = IdempotentConsumer(
            sub.processor,
            service=spec.name,
            max_bytes=spec.common.max_message_bytes,
            retry=RetryPolicy(attempts=1),
            sleep=_no_wait,
        )
        asyncio.run(consumer.handle([record]))
        assert sub.processor.position(f"{topic}:0") == offset + 1, "the partition stalled"
        app = spec.application
        try:
            dead = app.repository.get(dead_letter_id(spec.name, SourceRecord.of(record)))
        except AggregateNotFoundError:
            return None
        assert isinstance(dead, DeadLetter)
        return dead.reason


async def _no_wait(seconds: float) -> None:
    return None


FEEDER = Feeder()


@functools.cache
def odd_records(topic: str) -> st.SearchStrategy[bytes]:
    classes = list(codec.events_for(topic).values())
    return st.one_of([odd_message(cls) for cls in classes])


@functools.cache
def any_records(topic: str) -> st.SearchStrategy[bytes | None]:
    event_types = list(codec.events_for(topic))
    return st.one_of(
        st.none(),
        st.binary(max_size=300),
        json_values.map(lambda value: json.dumps(value).encode()),
        any_json_object(event_types),
    )


@FUZZ
@given(data=st.data())
def test_decoding_any_bytes_or_json_returns_an_event_or_names_what_is_wrong(
    data: st.DataObject,
) -> None:
    topic = data.draw(st.sampled_from(list(topics.all_topics(BODIES))[:-1]))
    if topic == topics.DEADLETTER:
        return
    value = data.draw(any_records(topic) | odd_records(topic))
    try:
        decoded = codec.decode(topic, value, 65_536)
    except codec.MalformedMessage as bad:
        assert bad.reason
    else:
        assert isinstance(decoded, c.IntegrationEvent | codec.UnknownEventType)


@pytest.mark.parametrize("service", ["intake", "routing", "tracking", "notification"])
@FUZZ
@given(data=st.data())
def test_any_record_ends_processed_or_rejected_never_in_an_unforeseen_error(
    services: dict[str, ServiceSpec], service: str, data: st.DataObject
) -> None:
    spec = services[service]
    topic = data.draw(st.sampled_from(candidate_topics(spec)))
    value = data.draw(odd_records(topic) | any_records(topic))
    reason = FEEDER.feed(spec, topic, value)
    assert reason != "processing-failed"


def test_a_lone_surrogate_no_store_can_hold_is_normalised_at_decoding_and_stored(
    services: dict[str, ServiceSpec],
) -> None:
    received = c.ReportReceived(
        report_id=uuid4(),
        tracking_id="LPR-SURR0GAT",
        occurred_at=datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
        channel=c.Channel.SMS,
        kind=c.ReportKind.PENGADUAN,
        text="air mati",
        reporter_ref="rep-1",
        received_at=datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
    )
    wire = {**received.wire(), "text": "air mati \ud800"}
    value = json.dumps(wire).encode()  # ASCII JSON: the surrogate travels as an escape
    assert FEEDER.feed(services["tracking"], topics.REPORTS, value) is None
    case = services["tracking"].application.repository.get(received.report_id)
    assert case.version >= 1
