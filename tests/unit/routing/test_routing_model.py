"""The trained model: the built artefact loads, matches scikit-learn, and its threshold is sound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing.adapters.artefact import load_model
from routing.adapters.corpus import generate, seeds
from routing.adapters.model import DEFAULT_PATH, TextModel, export, fit, normalised, report_text
from routing.adapters.text import tokens
from routing.adapters.training import (
    CrossValidation,
    choose_threshold,
    figures,
    fit_temperature,
    log_loss,
)
from shared.directory import body_codes

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def small() -> tuple[object, TextModel]:
    """A model fitted on a slice of the corpus (a few seconds), and its pipeline."""
    rows = list(generate(per_seed=1, per_body=6))
    pipeline = fit(rows)
    return pipeline, TextModel(export(pipeline), temperature=8.0, threshold=0.5)


def test_make_install_built_the_model_artefact_and_it_loads() -> None:
    assert DEFAULT_PATH.exists(), "run `make install` (or `lapor routing train`) first"
    model = load_model()
    assert model is load_model()  # read once per process
    known = set(body_codes()) | {"KECAMATAN"}
    assert set(model.classes) <= known
    assert 0 < model.threshold < 1 and model.temperature > 0
    assert model.metrics["calibration"]["auto_precision"] >= model.metrics["target"]


def test_exported_model_scores_exactly_as_scikit_learn(small: tuple[object, TextModel]) -> None:
    pipeline, model = small
    texts = [normalised(t) for t in ("air pdam mati", "jln rusak parah banar", "KTP blm jadi 🙏")]
    expected = pipeline.decision_function(texts)  # type: ignore[attr-defined]
    got = model.scorer.decision_function(texts)
    pairs = zip(expected, got, strict=True)
    assert all(abs(a - b) < 1e-9 for ra, rb in pairs for a, b in zip(ra, rb, strict=True))


def test_saved_model_loads_back_the_same(small: tuple[object, TextModel], tmp_path: Path) -> None:
    _, model = small
    loaded = TextModel.load(model.save(tmp_path / "m.pkl"))
    text = ["lampu jalan mati sudah seminggu"]
    assert loaded.probabilities(text) == model.probabilities(text)
    assert (loaded.threshold, loaded.temperature) == (model.threshold, model.temperature)


def test_probabilities_sum_to_one_and_favour_the_body(small: tuple[object, TextModel]) -> None:
    _, model = small
    [water] = model.probabilities(["banyu ledeng kada mengalir dari subuh"])
    assert abs(sum(water.values()) - 1) < 1e-9
    assert max(water, key=water.__getitem__) == "PDAM"


def test_corpus_is_reproducible_and_covers_every_body() -> None:
    first, second = list(generate(per_seed=1)), list(generate(per_seed=1))
    assert first == second
    labels = {s.label for s in seeds()}
    assert {c for c in body_codes() if not c.startswith("KEC-")} <= labels | {"KECAMATAN"}


def test_threshold_is_the_lowest_confidence_that_keeps_the_target_precision() -> None:
    outcomes = [(0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.5, False), (0.4, False)]
    threshold = choose_threshold(outcomes, target=0.75)
    assert threshold == 0.6
    assert figures(outcomes, threshold)["auto_precision"] >= 0.75
    assert choose_threshold(outcomes, target=1.0) == 0.8
    tied = [(0.9, True), (0.7, True), (0.7, False)]
    assert choose_threshold(tied, target=0.9) == 0.9  # 0.7 would let the wrong one through


def test_temperature_fitted_on_held_out_scores_beats_no_scaling() -> None:
    cv = CrossValidation(("A", "B"), [[2.0, 0.0], [1.5, 0.0], [0.2, 0.0], [0.0, 1.0]])
    labels = ["A", "A", "B", "B"]
    temperature = fit_temperature(cv, labels)
    assert log_loss(cv, labels, temperature) < log_loss(cv, labels, 1.0)


@pytest.mark.parametrize(
    "path", [HERE / "data" / "floor.jsonl", DEFAULT_PATH.parents[1] / "data" / "calibration.jsonl"]
)
def test_no_problem_of_the_corpus_copies_a_held_out_report(path: Path) -> None:
    held = [set(tokens(json.loads(line)["text"])) for line in path.read_text().splitlines()]
    for seed in seeds():
        words = set(tokens(seed.text))
        closest = max(len(words & h) / len(words | h) for h in held)
        assert closest < 0.6, seed.text  # common problems share words, not sentences


def test_the_batch_scorer_decides_as_scikit_learn_over_the_whole_corpus(
    small: tuple[object, TextModel],
) -> None:
    import numpy as np

    pipeline, model = small
    texts = [normalised(report_text(row)) for row in generate()]
    expected = pipeline.decision_function(texts)  # type: ignore[attr-defined]
    got = model.scorer.decision_function(texts)  # one sparse product for the batch
    assert got.shape == expected.shape and len(texts) > 3000
    assert np.abs(got - expected).max() < 1e-9
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()
    again = model.scorer.decision_function(texts[:50])  # the words' n-grams now cached
    assert np.abs(again - expected[:50]).max() < 1e-9


def test_an_empty_batch_and_a_text_without_words_are_scored(
    small: tuple[object, TextModel],
) -> None:
    import numpy as np

    _, model = small
    assert model.scorer.decision_function([]).shape == (0, len(model.classes))
    [row] = model.scorer.decision_function([""])
    assert np.allclose(row, model.scorer.intercept)  # type: ignore[attr-defined]
    assert model.probabilities([]) == []
