"""The hand-written forms of hot paths give what the generic ones gave: every tracking-id
character at every place, and an identity's stored form field by field."""

from __future__ import annotations

from dataclasses import asdict

from intake.domain.identifiers import CROCKFORD, TrackingIdFormat
from intake.domain.identity import Identity


def test_every_character_is_drawn_at_every_place_of_a_tracking_id() -> None:
    drawn = [TrackingIdFormat("LPR", 9).new_id().split("-")[1] for _ in range(3000)]
    for place in range(9):
        assert {tracking_id[place] for tracking_id in drawn} == set(CROCKFORD)


def test_an_identitys_stored_form_is_its_fields() -> None:
    for identity in (
        Identity(),
        Identity(name="Siti", phone="0812 3456 7890", email="siti@example.id", nik="6371"),
        Identity(handle="@warga_kuin"),
    ):
        assert identity.as_dict() == asdict(identity)
        assert Identity.from_dict(identity.as_dict()) == identity
