"""The quick look that skips the contact patterns never skips a text they would mask."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.masking import _scan, find_contacts

PIECES = st.sampled_from(
    ["0", "8", "1", "2", "6", "+", " ", ".", "-", "(", ")", "[", "]", "at", "AT", "@", "dot",
     "warga", "hp ", "rek ", "No. 5", "0812", "62", "(0511)", "x", "\n"]
)  # fmt: skip


@given(st.lists(PIECES, max_size=40).map("".join))
@settings(max_examples=600, deadline=None)
def test_the_quick_look_finds_what_the_full_scan_finds(text: str) -> None:
    assert find_contacts(text) == _scan(text)


def test_a_text_without_an_at_sign_or_eight_digits_is_left_as_it_is() -> None:
    text = "Jalan berlubang di Jl. Veteran No. 12 RT 03, sudah 2 minggu"
    assert find_contacts(text) == []


def test_contacts_are_still_found_behind_the_quick_look() -> None:
    text = "hubungi 0812-3456-7890 atau budi [at] contoh [dot] id"
    assert [span.kind.value for span in find_contacts(text)] == ["phone", "email"]
