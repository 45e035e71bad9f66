"""The scorer multiplies with scipy's CSR kernel directly, and without it through a CSR matrix.

Both ways must give main's per-text scores bit for bit (the same sums in the same order), so a
scipy that renamed its kernel changes the cost, never a decision.
"""

from __future__ import annotations

import pytest
from reference_router import per_text_scores

from bench.generator import Generator
from routing.adapters import model as model_module
from routing.adapters.artefact import load_model
from routing.adapters.model import LinearScorer, normalised
from shared.contracts import IntakeMessage

ODD = ["", "a", "x y", "jalan jalan jalan rusak", "é ü 日本"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = []
    for record in Generator("scorer-kernel", malformed_share=0).records(300):
        message = IntakeMessage.model_validate_json(record.value)
        found.append(normalised(f"{message.title}\n{message.text}"))
    return [*found, *ODD]


def _scorer() -> LinearScorer:
    scorer = load_model().scorer
    assert isinstance(scorer, LinearScorer)
    return LinearScorer(scorer.classes_, scorer.blocks, scorer.coef, scorer.intercept)


def _batches(scorer: LinearScorer, texts: list[str], size: int) -> list[object]:
    return [scorer.decision_function(texts[i : i + size]) for i in range(0, len(texts), size)]


@pytest.mark.parametrize("size", [1, 5, 40])
def test_the_kernel_and_the_matrix_score_bit_for_bit_as_main(
    texts: list[str], size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    assert model_module._csr_kernel() is not None  # the pinned scipy has it
    expected = per_text_scores(_scorer(), texts)
    by_kernel = np.vstack(_batches(_scorer(), texts, size))
    monkeypatch.setattr(model_module, "_csr_kernel", lambda: None)
    by_matrix = np.vstack(_batches(_scorer(), texts, size))
    assert np.array_equal(by_kernel, expected)
    assert np.array_equal(by_matrix, expected)


def test_a_batch_of_texts_without_known_n_grams_scores_the_intercepts() -> None:
    import numpy as np

    scorer = _scorer()
    scores = scorer.decision_function(["", "q"])
    assert np.array_equal(scores, np.vstack([scorer.intercept, scorer.intercept]))
