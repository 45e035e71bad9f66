"""Outbox headers are stored in the very bytes `json.dumps` wrote for them before, and rows
stored either way read back the same."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.messaging.outbox import _KEPT_HEADERS, _PACKED, pack_headers, row_of, unpack_headers

HEADERS = st.lists(st.tuples(st.text(max_size=20), st.binary(max_size=40)), max_size=6)


def _as_before(headers: list[tuple[str, bytes]]) -> bytes:
    """How main at fbe1e8c packed headers (the bytes stores hold)."""
    return json.dumps([[k, base64.b64encode(v).decode()] for k, v in headers]).encode()


@given(HEADERS)
def test_packed_headers_are_the_bytes_json_dumps_wrote(headers: list[tuple[str, bytes]]) -> None:
    assert pack_headers(headers) == _as_before(headers)


@given(HEADERS)
def test_headers_packed_before_read_back_unchanged(headers: list[tuple[str, bytes]]) -> None:
    assert unpack_headers(_as_before(headers)) == tuple(headers)


def test_awkward_header_names_keep_their_escapes() -> None:
    headers = [('a"b\\c', b""), ("ñ🙂\n\x00", b"\xff\x00"), ("", b"x")]
    assert pack_headers(headers) == _as_before(headers)
    assert unpack_headers(memoryview(pack_headers(headers))) == tuple(headers)


def test_a_stored_row_reads_in_column_order() -> None:
    stored = (7, "lapor.reports.v1", b"k", _as_before([("event_type", b"X")]), None)
    row = row_of(stored)
    assert (row.id, row.topic, row.key, row.value) == (7, "lapor.reports.v1", b"k", None)
    assert row.headers == (("event_type", b"X"),)


@given(HEADERS, HEADERS)
def test_headers_packed_again_from_the_kept_ones_are_the_same_bytes(
    first: list[tuple[str, bytes]], second: list[tuple[str, bytes]]
) -> None:
    pack_headers(first + second)
    assert pack_headers(second + first) == _as_before(second + first)


def test_the_kept_packed_headers_stay_bounded() -> None:
    for offset in range(3 * _KEPT_HEADERS):
        pack_headers([("lapor.dlq.source.offset", str(offset).encode())])
    assert 0 < len(_PACKED) <= _KEPT_HEADERS


def test_headers_given_as_lists_of_any_bytes_like_values_pack_as_before() -> None:
    headers: list[Any] = [["event_type", bytearray(b"X")], ("id", memoryview(b"y")), ("v", b"1")]
    expected = _as_before([(k, bytes(v)) for k, v in headers])
    assert pack_headers(headers) == pack_headers(headers) == expected
