"""The city's kecamatan and kelurahan as data, and reading a place out of free text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.directory import body_codes
from shared.geography import Place, canonical, find_place, kecamatan, kelurahan

REFERENCE = Path(__file__).resolve().parents[4] / "shared" / "reference"


def test_banjarmasin_has_five_kecamatan_and_fifty_two_kelurahan() -> None:
    assert len(kecamatan()) == 5
    assert len({k.name for k in kelurahan()}) == 52


def test_every_kecamatan_office_is_a_body_in_the_directory() -> None:
    assert set(kecamatan().values()) <= set(body_codes())


def test_every_place_in_the_labelled_examples_is_known() -> None:
    lines = (REFERENCE / "routing-examples.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        location = json.loads(line).get("location") or {}
        if location.get("kelurahan"):
            found = canonical(location.get("kecamatan"), location["kelurahan"])
            assert found == Place(location["kecamatan"], location["kelurahan"]), line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LAPOR#kelayan dalam#jalan berlubang", Place("Banjarmasin Selatan", "Kelayan Dalam")),
        ("banjir di SEI ANDAI rt 5", Place("Banjarmasin Utara", "Sungai Andai")),
        ("Basirih Selatan, dekat pasar", Place("Banjarmasin Selatan", "Basirih Selatan")),
        ("di kec. Banjarmasin Utara", Place("Banjarmasin Utara")),
        ("jalan pasar lama, banjarmasin tengah", Place("Banjarmasin Tengah", "Pasar Lama")),
    ],
)
def test_a_place_is_read_out_of_free_text(text: str, expected: Place) -> None:
    assert find_place(text) == expected


def test_a_text_naming_no_place_gives_none() -> None:
    assert find_place("lampu jalan mati sejak kemarin") is None


def test_a_word_inside_another_word_is_not_a_place() -> None:
    assert find_place("pemurusan saluran") is None
