"""Tracking ids, reporter refs and the contact keys that recognise a repeat reporter."""

from __future__ import annotations

import re

import pytest

from intake.domain.errors import InvalidTrackingFormat
from intake.domain.identifiers import CROCKFORD, TrackingIdFormat, new_reporter_ref
from intake.domain.identity import Identity
from shared.contracts.base import TRACKING_ID_PATTERN

FORMAT = TrackingIdFormat("LPR", 8)


def test_tracking_id_matches_the_public_pattern() -> None:
    assert re.match(TRACKING_ID_PATTERN, FORMAT.new_id())


def test_tracking_id_is_prefix_and_crockford_characters() -> None:
    prefix, random_part = FORMAT.new_id().split("-")
    assert prefix == "LPR"
    assert len(random_part) == 8
    assert set(random_part) <= set(CROCKFORD)


def test_tracking_ids_drawn_in_a_row_are_all_different() -> None:
    drawn = [FORMAT.new_id() for _ in range(500)]
    assert len(set(drawn)) == len(drawn)


def test_format_too_long_for_the_public_pattern_is_refused() -> None:
    with pytest.raises(InvalidTrackingFormat):
        TrackingIdFormat("LAPORBJM", 24)


def test_format_with_lower_case_prefix_is_refused() -> None:
    with pytest.raises(InvalidTrackingFormat):
        TrackingIdFormat("lpr", 8)


def test_reporter_refs_are_opaque_and_distinct() -> None:
    refs = {new_reporter_ref() for _ in range(200)}
    assert len(refs) == 200
    assert all(re.fullmatch(r"rpt_[0-9a-f]{24}", ref) for ref in refs)


def test_local_and_international_phone_forms_are_one_contact() -> None:
    local = Identity(phone="0812-3456-7890").flood_keys("sms")
    international = Identity(phone="+62 812 3456 7890").flood_keys("sms")
    assert local == international


def test_handle_is_a_contact_only_within_its_channel() -> None:
    on_x = Identity(handle="@warga").flood_keys("twitter")
    on_whatsapp = Identity(handle="warga").flood_keys("whatsapp")
    assert on_x != on_whatsapp


def test_reporter_without_contact_has_no_flood_keys() -> None:
    assert Identity(name="Warga").flood_keys("web") == []
