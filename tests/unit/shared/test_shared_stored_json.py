"""The stored-event encoder writes the very bytes eventsourcing's JSONTranscoder writes."""

from __future__ import annotations

import enum
import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.storedjson import StoredEventMapper, StoredJSONTranscoder
from tests.unit.shared.stored_events import event_of, every_recorded_event_class
from tracking.application.stored import register_value_objects


class Colour(enum.StrEnum):
    RED = "merah"


class Level(enum.IntEnum):
    HIGH = 3


def transcoders() -> tuple[JSONTranscoder, StoredJSONTranscoder]:
    """eventsourcing's and ours, taught the same types (as the four services teach theirs)."""
    made: list[Any] = []
    for transcoder in (JSONTranscoder(), StoredJSONTranscoder()):
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
            transcoder.register(transcoding)
        register_value_objects(transcoder)
        made.append(transcoder)
    return made[0], made[1]


STOCK, OURS = transcoders()

zones = st.sampled_from(
    [
        None,
        UTC,
        timezone(timedelta(hours=7)),
        timezone(timedelta(hours=-3, minutes=-30)),
        timezone(timedelta(seconds=3661)),  # an offset with seconds: orjson would drop them
        timezone(timedelta(hours=1, microseconds=5)),
        ZoneInfo("Asia/Makassar"),  # +07:57:36 before 1920
        ZoneInfo("Europe/Dublin"),
    ]
)
moments = st.builds(lambda naive, zone: naive.replace(tzinfo=zone), st.datetimes(), zones)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([1e-7, 1e16, 1e-300, 5e-324, -0.0, 1e22, 0.1])
    | st.text()
    | st.text(st.characters(codec=None, categories=None, exclude_categories=()))
    | st.uuids()
    | moments
    | st.decimals(allow_nan=False)
    | st.sampled_from([Colour.RED, Level.HIGH])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, max_size=2)
    ),
    max_leaves=20,
)


def both(value: Any) -> tuple[Any, Any]:
    """What each encoder gives: its bytes, or the type of the error it raises."""
    results = []
    for transcoder in (STOCK, OURS):
        try:
            results.append(transcoder.encode(value))
        except Exception as error:
            results.append(type(error))
    return results[0], results[1]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), values, max_size=8))
def test_any_state_is_written_byte_for_byte_as_eventsourcing_writes_it(state: Any) -> None:
    stock, ours = both(state)
    assert ours == stock


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        -math.inf,
        1e-7,
        2**64,
        "\ud800 lone surrogate",
        '\x00\x1f\x7f\u2028 "quoted" \\ é 😀',
        {1: "int key", None: "none key", False: "bool key", 1.5: "float key"},
        [Colour.RED, Level.HIGH, Decimal("1.10")],
        datetime(2026, 1, 2, tzinfo=timezone(timedelta(seconds=3661))),
        datetime(1900, 1, 1, tzinfo=ZoneInfo("Asia/Makassar")),
        UUID("5b4b3e9e-8c0f-4a5e-9d7e-6c1f2a3b4c5d"),
    ],
)
def test_edge_values_are_written_as_eventsourcing_writes_them(value: Any) -> None:
    stock, ours = both({"v": value, "at": datetime(2026, 12, 7, 8, 0, tzinfo=UTC)})
    assert ours == stock


def test_a_circular_state_fails_as_it_fails_in_eventsourcing() -> None:
    state: dict[str, Any] = {}
    state["self"] = [state]
    stock, ours = both(state)
    assert ours is stock is ValueError


def test_an_unregistered_type_fails_as_it_fails_in_eventsourcing() -> None:
    stock, ours = both({"v": object()})
    assert ours == stock and issubclass(ours, TypeError)


def test_the_four_contexts_record_events_of_many_classes() -> None:
    names = {f"{c.__module__}:{c.__qualname__}" for c in every_recorded_event_class()}
    assert "tracking.domain.case:Case.Disposed" in names or len(names) > 40
    assert {n.split(".")[0] for n in names} >= {"intake", "routing", "tracking", "notification"}


@pytest.mark.parametrize(
    "cls", every_recorded_event_class(), ids=lambda c: f"{c.__module__}:{c.__qualname__}"
)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_every_event_class_is_stored_byte_for_byte_and_read_back(
    cls: type[Any], data: st.DataObject
) -> None:
    stock, ours = Mapper(transcoder=STOCK), StoredEventMapper(transcoder=OURS)
    domain_event = event_of(cls, data)
    stored = ours.to_stored_event(domain_event)
    assert stored == stock.to_stored_event(domain_event)
    read = stock.to_domain_event(stored)  # eventsourcing's own decoder reads it
    assert type(read) is cls and ours.to_stored_event(read) == stored
