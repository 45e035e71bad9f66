"""The load generator: varied reports intake accepts, and a set share it must dead-letter."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from bench import corpus
from bench.generator import Generator
from intake.domain.screening import ACCEPTED, screen
from intake.settings import IntakeSettings
from shared.contracts import Channel
from shared.messaging import codec
from shared.messaging.codec import MalformedMessage

RECORDS = Generator("unit", malformed_share=0.05).records(1000)
GOOD = [r for r in RECORDS if r.fingerprint is not None]


def _decoded(value: bytes) -> object:
    return codec.decode("lapor.intake.v1", value, 65_536)


def test_the_malformed_share_is_what_was_asked() -> None:
    assert len(RECORDS) - len(GOOD) == 50


def test_every_malformed_record_is_refused_by_the_intake_decoder() -> None:
    for record in RECORDS:
        if record.fingerprint is None:
            with pytest.raises(MalformedMessage):
                _decoded(record.value)


def test_well_formed_reports_pass_intake_screening_with_its_default_rules() -> None:
    rules = IntakeSettings().screening_rules()
    for record in GOOD:
        message = _decoded(record.value)
        assert screen(message.text, 1, rules).status == ACCEPTED  # type: ignore[union-attr]


def test_no_two_reports_share_a_contact_a_text_or_a_message_id() -> None:
    messages = [json.loads(r.value) for r in GOOD]
    contacts = [json.dumps(m["reporter"], sort_keys=True) for m in messages]
    assert len(set(contacts)) == len(GOOD)
    assert len({r.fingerprint for r in GOOD}) == len(GOOD)
    assert len({r.key for r in RECORDS}) == len(RECORDS)


def test_the_load_covers_every_channel_and_kecamatan() -> None:
    messages = [json.loads(r.value) for r in GOOD]
    assert {m["channel"] for m in messages} == {c.value for c in Channel}
    assert {m["location"]["kecamatan"] for m in messages} == set(corpus.KECAMATAN)
    assert len(Counter(m["text"].split(" di ")[0] for m in messages)) > 20


def test_the_flood_window_would_not_hold_any_contact() -> None:
    rules = IntakeSettings().screening_rules()
    assert rules.flood_window >= timedelta(minutes=1)
    assert rules.flood_max_reports >= 1  # each contact sends one report: never a flood
