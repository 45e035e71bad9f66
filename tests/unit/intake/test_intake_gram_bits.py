"""Two index entries' similarity counted from their trigram bits is their sets' Jaccard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.domain import duplicates
from intake.domain.duplicates import Indexed, _GramCodes, content_words, jaccard

TEXTS = [
    "Air PDAM tidak mengalir di gang Pekapuran sejak tiga hari lalu",
    "Air PDAM tidak mengalir di gang Pekapuran sejak empat hari lalu",
    "Lampu penerangan jalan mati sejak minggu lalu di gang tiga",
    "Sampah menumpuk di pinggir sungai dan berbau tidak sedap",
    "",
]
AT = datetime(2026, 1, 1, tzinfo=UTC)
WORDS = sorted({w for t in TEXTS for w in content_words(t)} | {"ab", "air", "airr"})


def entry(text: str) -> Indexed:
    return Indexed("r", "t", AT, content_words(text))


def test_similarity_from_bits_is_the_jaccard_of_the_sets() -> None:
    entries = [entry(t) for t in TEXTS]
    assert all(e.bits is not None for e in entries)
    for a in entries:
        for b in entries:
            assert duplicates._similarity(a, b) == jaccard(a.grams, b.grams)


def test_once_the_codes_run_out_an_entry_is_compared_by_its_sets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(duplicates, "_CODES", _GramCodes(limit=40))
    first, second = entry(TEXTS[0]), entry(TEXTS[1])
    assert first.bits is not None and second.bits is None  # its trigrams beyond the 40 codes
    assert duplicates._similarity(first, second) == jaccard(first.grams, second.grams) > 0.5
    # a slim entry (bits only) is compared with one without codes through the codes it has
    assert duplicates._similarity(second, first.slim()) == jaccard(first.grams, second.grams)
    assert duplicates._similarity(first.slim(), second) == jaccard(first.grams, second.grams)
    assert second.slim() is second  # without codes an entry keeps its set


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(WORDS), max_size=12).map(tuple), min_size=1, max_size=8
    ),
    limit=st.integers(min_value=0, max_value=120),
)
def test_an_entrys_trigrams_and_bits_made_word_by_word_are_those_of_its_whole_set(
    texts: list[tuple[str, ...]], limit: int
) -> None:
    codes = _GramCodes(limit=limit, words=5)  # few codes and few kept words: both run out
    for found in texts:
        grams, bits = codes.of_words(found)
        assert grams == frozenset(duplicates._grams(found))
        assert bits == codes.bits(grams)  # None once a trigram has no code
