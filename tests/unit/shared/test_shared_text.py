"""What a text is: normalised free text, refused unclean identifiers, limits in chars and bytes."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from shared.text import normalise, problem

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ALLOWED_CONTROLS = {"\t", "\n"}


def intake_record(**fields: Any) -> bytes:
    """An intake record as a careless adapter writes it: ASCII JSON, escapes and all."""
    wire: dict[str, Any] = {
        "event_type": "IntakeMessage",
        "occurred_at": NOW.isoformat(),
        "channel": "sms",
        "message_id": "m1",
        "text": "Air PDAM mati",
        **fields,
    }
    return json.dumps(wire).encode()


def decode_intake(**fields: Any) -> c.IntakeMessage:
    message = codec.decode(topics.INTAKE, intake_record(**fields), 1_000_000)
    assert isinstance(message, c.IntakeMessage)
    return message


def refusal(**fields: Any) -> str:
    with pytest.raises(codec.MalformedMessage) as caught:
        codec.decode(topics.INTAKE, intake_record(**fields), 65536)
    assert caught.value.reason == "invalid-fields"
    return caught.value.detail


def test_nul_and_other_control_characters_are_removed_but_tab_and_newline_stay() -> None:
    assert normalise("Air\x00 mati\x1b[31m\tdi\x7f Jl.\x85 Veteran\n") == (
        "Air mati[31m\tdi Jl. Veteran\n"
    )


def test_crlf_and_lone_cr_become_lf() -> None:
    assert normalise("satu\r\ndua\rtiga\n") == "satu\ndua\ntiga\n"


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    assert normalise("air \ud800 mati \udfff") == "air \ufffd mati \ufffd"


def test_a_surrogate_pair_held_as_two_code_points_becomes_its_character() -> None:
    assert normalise("banjir \ud83c\udf0a") == "banjir \U0001f30a"


def test_non_characters_become_the_replacement_character() -> None:
    assert normalise("a\ufdd0b\ufffec\U0010ffff") == "a\ufffdb\ufffdc\ufffd"


def test_text_is_put_in_nfc() -> None:
    assert normalise("Cafe\u0301 di Kelayan") == "Caf\u00e9 di Kelayan"


@given(st.text(st.characters(codec="utf-8") | st.characters(categories=["Cs", "Cc"])))
def test_any_string_normalises_to_clean_utf8_nfc_once_and_for_all(value: str) -> None:
    clean = normalise(value)
    clean.encode("utf-8")  # no lone surrogate survives
    assert not any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in clean)
    assert unicodedata.is_normalized("NFC", clean)
    assert problem(clean) is None
    assert normalise(clean) == clean


def test_an_intake_text_with_nul_surrogate_and_controls_decodes_clean() -> None:
    message = decode_intake(text="Jalan\u0000 rusak\r\n\ud800 parah\u0007", title="Jalan\u0000")
    assert (message.text, message.title) == ("Jalan rusak\n\ufffd parah", "Jalan")


def test_reporter_and_location_texts_are_normalised_too() -> None:
    message = decode_intake(
        reporter={"name": "Siti\u0000 Aminah", "handle": "@siti\ud800"},
        location={"kecamatan": "Banjarmasin\u0000 Utara", "address": "Jl.\r\nA Yani"},
    )
    assert (message.reporter.name, message.reporter.handle) == ("Siti Aminah", "@siti\ufffd")
    assert (message.location.kecamatan, message.location.address) == (
        "Banjarmasin Utara",
        "Jl.\nA Yani",
    )


def test_a_text_of_control_characters_only_is_refused_as_empty() -> None:
    assert "text: Value error, must not be empty" in refusal(text="\u0000\u0001\r\n ")


def test_limits_count_characters_of_the_normalised_text() -> None:
    shrinking = "a\r\n" * 2000  # 6,000 characters before, 4,000 after
    assert len(decode_intake(text=shrinking).text) == 4000
    assert "at most 4000 characters, got 4001" in refusal(text="a" * 4001)


def test_limits_count_utf8_bytes_too() -> None:
    assert decode_intake(text="\U0001f600" * 3000).text == "\U0001f600" * 3000
    assert "text: Value error, at most 12000 bytes of UTF-8, got 16000" in refusal(
        text="\U0001f600" * 4000
    )
    assert "title: Value error, at most 600 bytes" in refusal(title="\U0001f600" * 151)


def test_an_unclean_identifier_is_refused_with_the_offending_character() -> None:
    assert "message_id: Value error, U+0000 at position 2 is not allowed" in refusal(
        message_id="m1\u0000"
    )
    assert "U+D800" in refusal(message_id="\ud800")
    assert "not in Unicode normal form NFC" in refusal(message_id="Cafe\u0301")


def test_an_skpd_action_with_nul_in_its_text_decodes_clean() -> None:
    action = {
        "event_type": "PostFollowUp",
        "occurred_at": NOW.isoformat(),
        "report_id": "7f0b3d0e-9b5e-4c4e-8a61-0123456789ab",
        "tracking_id": "LPR-7K3M9QXA",
        "skpd_code": "PDAM",
        "actor": "petugas\u0000",
        "text": "Pipa\u0000 sudah diganti",
    }
    decoded = codec.decode(topics.skpd_actions_topic("PDAM"), json.dumps(action).encode(), 65536)
    assert isinstance(decoded, c.PostFollowUp)
    assert (decoded.text, decoded.actor.name) == ("Pipa sudah diganti", "petugas")


def _contracts() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [c.Contract]
    while todo:
        model = todo.pop()
        found.add(model)
        todo.extend(model.__subclasses__())
    return found


def _unruled(schema: dict[str, Any], where: str) -> list[str]:
    """String properties carrying neither the text rule nor a pattern, format or enum."""
    if schema.get("type") == "string":
        ruled = {"x-lapor-text", "pattern", "format", "enum", "const"} & set(schema)
        return [] if ruled else [where]
    found = []
    for key, sub in schema.get("properties", {}).items():
        found += _unruled(sub, f"{where}.{key}")
    for sub in schema.get("anyOf", []):
        found += _unruled(sub, where)
    if isinstance(schema.get("items"), dict):
        found += _unruled(schema["items"], f"{where}[]")
    for name, sub in schema.get("$defs", {}).items():
        found += _unruled(sub, name)
    return found


def test_every_string_of_every_contract_keeps_the_text_rule() -> None:
    unruled = [
        field
        for model in _contracts()
        for field in _unruled(model.model_json_schema(), model.__name__)
    ]
    assert unruled == []


@given(st.text(st.characters(codec="utf-8") | st.characters(categories=["Cs", "Cc"]), max_size=60))
def test_any_report_text_is_refused_or_accepted_storable_within_its_limits(text: str) -> None:
    try:
        message = decode_intake(text=text * 80)
    except codec.MalformedMessage as refused:
        assert refused.reason == "invalid-fields" and refused.detail.startswith("text: ")
        return
    assert "\x00" not in message.text and message.text.strip()
    assert len(message.text) <= 4000 and len(message.text.encode("utf-8")) <= 12000
