"""SMS counting in C-speed set operations counts what one test per character counted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared import sms_text as sms

# GSM-7 letters, extension characters (two septets each) and characters outside GSM-7.
ALPHABET = "aZ0 \n@é€^{}[]~|\\\f—👍ąç"


def per_character(text: str) -> tuple[str, int]:
    """The encoding and units as the rule says them, one character at a time."""
    if all(ch in sms.GSM7_BASIC or ch in sms.GSM7_EXTENDED for ch in text):
        return "GSM-7", sum(2 if ch in sms.GSM7_EXTENDED else 1 for ch in text)
    return "UCS-2", len(text.encode("utf-16-le")) // 2


@given(st.text(alphabet=ALPHABET, max_size=400))
def test_a_text_is_counted_as_one_character_at_a_time_counts_it(text: str) -> None:
    measured = sms.measure(text)
    assert (measured.encoding, measured.units) == per_character(text)


@given(st.text(alphabet=ALPHABET, max_size=600), st.integers(min_value=1, max_value=4))
def test_the_excess_is_the_units_over_what_the_texts_encoding_holds_in_its_segments(
    text: str, segments: int
) -> None:
    encoding, units = per_character(text)
    single, multi = (160, 153) if encoding == "GSM-7" else (70, 67)
    holds = single if segments == 1 else multi * segments
    assert sms.excess(text, segments) == units - holds
