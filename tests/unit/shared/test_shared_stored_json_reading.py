"""The stored-event decoder gives the very objects eventsourcing's JSONTranscoder gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.storedjson import StoredEventCodec, StoredJSONCodec
from tests.unit.shared.stored_events import event_of, every_recorded_event_class
from tests.unit.shared.test_shared_stored_json import STOCK, values


def codec_like(stock: JSONTranscoder) -> StoredJSONCodec:
    """Our codec, taught the same types as eventsourcing's transcoder of the encoder's tests."""
    codec = StoredJSONCodec()
    for transcoding in stock.names.values():
        codec.register(transcoding)
    return codec


OURS = codec_like(STOCK)


def read(transcoder: JSONTranscoder, data: bytes) -> str:
    """What a decoder makes of the bytes, spelt out (`repr` tells a moment's zone, a float's
    sign, a tuple from a list), or the type of the error it raises."""
    try:
        return repr(transcoder.decode(data))
    except Exception as error:
        return f"error {type(error).__name__}"


def assert_read_alike(data: bytes) -> None:
    assert read(OURS, data) == read(STOCK, data)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), values, max_size=8))
def test_any_state_written_by_eventsourcing_reads_back_as_eventsourcing_reads_it(
    state: Any,
) -> None:
    try:
        data = STOCK.encode(state)
    except Exception:  # nothing written, nothing to read
        return
    assert_read_alike(data)


json_numbers = st.from_regex(r"\A-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,4})?\Z")
json_scalars = (
    json_numbers
    | st.sampled_from(["true", "false", "null", "NaN", "Infinity", "-Infinity", '"\\ud800"'])
    | st.text(max_size=6).map(json.dumps)
)
json_texts = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda items: f"[{','.join(items)}]")
        | st.lists(  # unique names: no encoder writes one twice (orjson keeps the last alone)
            st.tuples(st.sampled_from(['"_type_"', '"_data_"', '"a"']), inner),
            max_size=3,
            unique_by=lambda member: member[0],
        ).map(lambda members: "{" + ",".join(f"{k}:{v}" for k, v in members) + "}")
        | st.tuples(
            st.sampled_from(['"uuid_hex"', '"datetime_iso"', '"standing"', '"nope"', "1"]), inner
        ).map(lambda member: '{"_type_":' + member[0] + ',"_data_":' + member[1] + "}")
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(json_texts, st.sampled_from(["", " ", "\n\t"]))
def test_any_json_text_reads_as_eventsourcing_reads_it(text: str, space: str) -> None:
    assert_read_alike(f"{space}{text}{space}".encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40))
def test_any_bytes_read_or_fail_as_in_eventsourcing(data: bytes) -> None:
    assert_read_alike(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"n":123456789012345678901234567890}',  # orjson would give a float
        b'{"n":[-9223372036854775809]}',
        b'{"n":{"k":18446744073709551616}}',
        b'{"n":9223372036854775807,"m":-9223372036854775808}',
        b'{"x":NaN,"y":-Infinity}',
        b'{"x":1e400}',
        b'{"t":"\\ud800 lone"}',
        b'{"_type_":"datetime_iso","_data_":"2024-08-12T09:00:00+08:00"}',
        b'{"_type_":"unknown","_data_":1}',
        b'{"_type_":"uuid_hex","_data_":"not hex"}',
        b'{"_type_":"standing","_data_":["Baru",null]}',  # stored before fields were added
        b'{"_type_":"standing","_data_":{"_type_":"uuid_hex","_data_":"00"}}',
        b'{"_data_":[1],"_type_":"deadline"}',
        b'{"a":{"_type_":"uuid_hex"},"b":{"_data_":1,"c":2}}',
        b'[{"_type_":"datetime_iso","_data_":"2024-08-12T09:00:00"},[{"_type_":5,"_data_":1}]]',
        b"\xef\xbb\xbf{}",  # a byte-order mark
        b'{"a":"\xff"}',  # not UTF-8
        b"[" * 2000 + b"]" * 2000,  # deeper than orjson reads
        b'{"a":1,}',
    ],
)
def test_edge_texts_read_as_eventsourcing_reads_them(data: bytes) -> None:
    assert_read_alike(data)


def test_a_typed_value_is_read_with_its_transcoding() -> None:
    data = b'{"id":{"_type_":"uuid_hex","_data_":"5b4b3e9e8c0f4a5e9d7e6c1f2a3b4c5d"}}'
    assert str(OURS.decode(data)["id"]) == "5b4b3e9e-8c0f-4a5e-9d7e-6c1f2a3b4c5d"


@pytest.mark.parametrize(
    "cls", every_recorded_event_class(), ids=lambda c: f"{c.__module__}:{c.__qualname__}"
)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_every_event_class_reads_back_as_eventsourcing_reads_it(
    cls: type[Any], data: st.DataObject
) -> None:
    stock, ours = Mapper(transcoder=STOCK), StoredEventCodec(transcoder=OURS)
    stored = stock.to_stored_event(event_of(cls, data))
    expected, found = stock.to_domain_event(stored), ours.to_domain_event(stored)
    assert type(found) is type(expected) is cls
    assert found.__dict__ == expected.__dict__
    assert repr(found.__dict__) == repr(expected.__dict__)


def test_an_older_case_event_is_upcast_as_eventsourcing_upcasts_it() -> None:
    stored = StoredEvent(
        originator_id="5b4b3e9e-8c0f-4a5e-9d7e-6c1f2a3b4c5d",
        originator_version=2,
        topic="tracking.domain.case:Case.Resolved",
        state=b'{"timestamp":{"_type_":"datetime_iso","_data_":"2024-08-12T09:00:00+00:00"},'
        b'"originator_topic":"tracking.domain.case:Case","source":"m-1",'
        b'"at":{"_type_":"datetime_iso","_data_":"2024-08-12T09:00:00+08:00"},'
        b'"on_time":true,"status":"Selesai","skpd_code":"PDAM","skpd_name":"PDAM",'
        b'"due_at":null,"tracking_id":"LPR-1","channel":"sms","kind":"pengaduan",'
        b'"reporter_ref":"r","anonim":false,"rahasia":false,"body":"PDAM","actor":"Budi",'
        b'"text":"Selesai"}',
    )
    stock, ours = Mapper(transcoder=STOCK), StoredEventCodec(transcoder=OURS)
    expected = _outcome(stock, stored)
    assert _outcome(ours, stored) == expected


def test_a_state_that_cannot_be_read_fails_as_in_eventsourcing() -> None:
    stored = StoredEvent(
        originator_id="5b4b3e9e-8c0f-4a5e-9d7e-6c1f2a3b4c5d",
        originator_version=1,
        topic="tracking.domain.case:Case.Resolved",
        state=b'{"at":{"_type_":"unknown","_data_":1}}',
    )
    with pytest.raises(MapperDeserialisationError) as found:
        StoredEventCodec(transcoder=OURS).to_domain_event(stored)
    with pytest.raises(MapperDeserialisationError) as expected:
        Mapper(transcoder=STOCK).to_domain_event(stored)
    assert str(found.value) == str(expected.value)


def _outcome(mapper: Mapper[Any], stored: StoredEvent) -> str:
    try:
        event = mapper.to_domain_event(stored)
    except Exception as error:
        return f"error {type(error).__name__}: {error}"
    return f"{type(event).__qualname__} {event.__dict__!r}"
