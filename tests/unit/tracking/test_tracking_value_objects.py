"""The case events' value objects decode from their stored arrays: the usual one value per
field, an older array without the fields added since, and never a wrong count silently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tracking.application.stored import VALUE_OBJECTS
from tracking.domain.deadlines import Deadline
from tracking.domain.values import ActedBy, Envelope, Standing

WITA = timezone(timedelta(hours=8))
DUE = datetime(2024, 8, 15, 9, 0, tzinfo=WITA)
BY_TYPE = {transcoding.type: transcoding for transcoding in VALUE_OBJECTS}


@pytest.mark.parametrize(
    "value",
    [
        Envelope("LPR-VO000001", "sms", "pengaduan", "rep-1", False, True),
        Standing("Terdisposisi: Sedang Diproses", "PDAM", "Perumda Air Minum", DUE),
        Standing("Selesai", None, None, None),
        Deadline("penyelesaian", DUE, DUE - timedelta(days=1)),
        ActedBy("PDAM", ""),
    ],
)
def test_a_value_object_decodes_to_what_was_encoded(value: object) -> None:
    transcoding = BY_TYPE[type(value)]
    decoded = transcoding.decode(transcoding.encode(value))
    assert decoded == value and type(decoded) is type(value)
    assert decoded.__dict__ == value.__dict__  # the same fields, moments as aware datetimes


def test_moments_decode_to_the_same_instant_in_their_own_offset() -> None:
    transcoding = BY_TYPE[Deadline]
    decoded = transcoding.decode(["penyelesaian", "2024-08-15T09:00:00+08:00", None])
    assert decoded.due_at == datetime(2024, 8, 15, 1, 0, tzinfo=UTC)
    assert decoded.due_at.utcoffset() == timedelta(hours=8) and decoded.warn_at is None


def test_an_array_stored_before_a_field_was_added_takes_its_default() -> None:
    assert BY_TYPE[ActedBy].decode(["PDAM"]) == ActedBy("PDAM", "")


def test_an_array_with_more_values_than_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="values for"):
        BY_TYPE[ActedBy].decode(["PDAM", "", "extra"])
