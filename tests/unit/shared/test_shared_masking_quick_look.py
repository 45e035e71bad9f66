"""The quick look before the contact patterns answers as the pattern it replaced, in one pass."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import corpus
from bench.generator import Generator
from shared.contracts import IntakeMessage
from shared.masking import _may_hold_contact

# The quick look as it was: an "@", a bracketed "at", or eight digits with anything between.
FORMER = re.compile(r"@|[\[(]\s?at\s?[\])]|(?:\d\D*){8}", re.IGNORECASE)

PIECES = st.sampled_from(
    ["0", "7", "٣", "８", "+", " ", ".", "-", "(", ")", "[", "]", "at", "AT", "aT", "@", "\n",
     "warga", "No. 5", "RT 03", "0812", "( at )", "[ AT]", "é", "—", "\t"]
)  # fmt: skip


def former(text: str) -> bool:
    return FORMER.search(text) is not None


@given(st.lists(PIECES, max_size=60).map("".join))
@settings(max_examples=1000, deadline=None)
def test_the_quick_look_answers_as_the_former_pattern_on_built_texts(text: str) -> None:
    assert _may_hold_contact(text) == former(text)


@given(st.text(max_size=200))
@settings(max_examples=1000, deadline=None)
def test_the_quick_look_answers_as_the_former_pattern_on_any_text(text: str) -> None:
    assert _may_hold_contact(text) == former(text)


def bench_texts() -> list[str]:
    """The bench's realistic reports (titles and texts) and the corpus they are made from."""
    generator = Generator("masking", malformed_share=0)
    messages = [IntakeMessage.model_validate_json(r.value) for r in generator.records(300)]
    texts = [t for m in messages for t in (m.title, m.text)]
    texts += [template for _, _, template in corpus.TOPICS]
    return texts + list(corpus.OPENERS) + list(corpus.CLOSERS)


@pytest.mark.parametrize("text", bench_texts())
def test_the_quick_look_answers_as_the_former_pattern_on_realistic_reports(text: str) -> None:
    assert _may_hold_contact(text) == former(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("telepon 0812 345", False),  # seven digits
        ("telepon 0812 3456", True),
        ("٠١٢٣٤٥٦٧ (Arabic-Indic digits)", True),
        ("nomor ０８１２３４５６", True),  # full-width digits
        ("surel budi (AT) contoh", True),
        ("1 " + "jalan rusak " * 2000 + "2 3 4 5 6 7", False),  # long, seven digits: one pass
    ],
)
def test_the_quick_look_counts_digits_of_any_script_and_bracketed_ats(
    text: str, expected: bool
) -> None:
    assert _may_hold_contact(text) is expected is former(text)
