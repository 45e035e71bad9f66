"""The scorer's word cache: each distinct word's columns and the word pairs it begins, found once.

The scores must be the very numbers main's per-text path made (each text's word n-grams rebuilt,
each word's character n-grams looked up): the same columns are counted, so the same CSR product
is taken. Checked bit for bit over the router's corpus, its calibration set, the load generator's
reports and texts no tokeniser made (shorthand, punctuation, one-letter words, other scripts), in
batches of several sizes, with the cache cold, warm, and full.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from reference_router import per_text_scores

from bench.generator import Generator
from routing.adapters import model as model_module
from routing.adapters.artefact import load_model
from routing.adapters.corpus import generate
from routing.adapters.model import LinearScorer, normalised, report_text
from routing.adapters.training import calibration_rows
from shared.contracts import IntakeMessage

RAW = [
    "", " ", "a", "a b c", "air-pdam mati", "jl.A.Yani km.2 rusak", "foo_bar baz", "ab ab ab ab",
    "lampu lampu jalan jalan", "anak2 main di jln", "é e\u0301 ü", "日本 語", "x\ty\nz", "2 3 45",
]  # fmt: skip


def _generated(count: int) -> list[str]:
    texts = []
    for record in Generator("word-cache", malformed_share=0).records(count):
        message = IntakeMessage.model_validate_json(record.value)
        texts.append(normalised(f"{message.title}\n{message.text}"))
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    rows = [*generate(), *calibration_rows()]
    return [*(normalised(report_text(r)) for r in rows), *_generated(500), *RAW]


def _fresh() -> LinearScorer:
    scorer = load_model().scorer
    assert isinstance(scorer, LinearScorer)
    return LinearScorer(scorer.classes_, scorer.blocks, scorer.coef, scorer.intercept)


def _in_batches(scorer: LinearScorer, texts: Sequence[str], size: int) -> Any:
    import numpy as np

    return np.vstack(
        [scorer.decision_function(texts[i : i + size]) for i in range(0, len(texts), size)]
    )


@pytest.mark.parametrize("size", [1, 7, 64])
def test_scores_are_bit_for_bit_main_s_per_text_scores(texts: list[str], size: int) -> None:
    import numpy as np

    scorer = _fresh()
    expected = per_text_scores(scorer, texts)
    assert len(texts) > 4000
    assert np.array_equal(_in_batches(scorer, texts, size), expected)  # the cache filled
    assert np.array_equal(_in_batches(scorer, texts[::-1], size), expected[::-1])  # and warm


def test_a_full_cache_scores_the_same(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    monkeypatch.setattr(model_module, "CACHE_WORDS", 50)
    scorer = _fresh()
    assert np.array_equal(
        _in_batches(scorer, texts[:600], 10), per_text_scores(scorer, texts[:600])
    )
    assert len(scorer._word_cache) == 50


def test_raw_texts_pair_words_as_the_word_analyser_does() -> None:
    import numpy as np

    scorer = _fresh()
    words = scorer.blocks[0][0]
    pair = next(g for g in words if " " in g)
    first, second = pair.split(" ")
    # A one-letter word between does not part a pair, an unknown word does; a split word with
    # punctuation inside holds two words.
    texts = [f"{first} x {second}", f"{first}-{second}", f"{first} zzqqxx {second}", pair]
    assert np.array_equal(scorer.decision_function(texts), per_text_scores(scorer, texts))


def test_the_cache_is_not_pickled() -> None:
    import pickle

    scorer = _fresh()
    scorer.decision_function(["lampu jalan mati"])
    assert scorer._word_cache
    again = pickle.loads(pickle.dumps(scorer))
    assert again._word_cache == {} and again._pairs is None
    assert (
        again.decision_function(["lampu jalan mati"])
        == scorer.decision_function(["lampu jalan mati"])
    ).all()
