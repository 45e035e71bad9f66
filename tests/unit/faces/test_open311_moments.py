"""Open311's date parameters: W3C datetimes, a missing offset read as Banjarmasin's (WITA)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.faces.open311.answers import Open311Error, moment


def test_a_datetime_without_an_offset_is_read_as_wita() -> None:
    assert moment("2026-11-01T08:00:00", "start_date") == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


def test_an_offset_given_is_kept() -> None:
    found = moment("2026-11-01T08:00:00-05:00", "start_date")
    assert found == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def test_a_plus_sign_that_a_query_string_turned_into_a_space_is_read_back() -> None:
    assert moment("2026-11-01T08:00:00 08:00", "end_date") == datetime(2026, 11, 1, tzinfo=UTC)


def test_no_value_is_no_bound() -> None:
    assert moment(None, "start_date") is None
    assert moment("", "start_date") is None


def test_a_value_that_is_no_date_names_the_parameter() -> None:
    with pytest.raises(Open311Error) as raised:
        moment("kemarin", "end_date")
    assert raised.value.status == 400
    assert "end_date" in str(raised.value)
