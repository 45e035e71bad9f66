"""The trained classifier: TF-IDF word and character n-grams, a linear SVM, calibrated.

Trained with scikit-learn on the project's own corpus (`corpus.py`, `training.py`) by `lapor
routing train` (run by `make install`). What prediction needs (vocabularies, idf weights, the
SVM's coefficients, the temperature that turns scores into probabilities, the triage threshold) is
exported into an ignored build artefact that loads with numpy alone, so `lapor route` and the
service start quickly. Both sides use the same analyzers below, so they see the same features.
Kelurahan and kecamatan services are one class (`KECAMATAN`): the location says which office.
"""

from __future__ import annotations

import functools
import math
import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Protocol

from routing.adapters.lexicon import AREA
from routing.adapters.text import tokens

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "build" / "router-model.pkl"
FORMAT = 2
CHAR_RANGE = (2, 5)
# Distinct words whose columns a scorer keeps (about 0.5 kB each, so 27 MB at most; the
# reports of a city use a few thousand, the router's corpus about 3,000).
CACHE_WORDS = 50_000
_WORD = re.compile(r"\b\w\w+\b")


def normalised(text: str) -> str:
    """What the model reads: the words of a report, shorthand and Banjar expanded."""
    return " ".join(tokens(text))


def word_ngrams(text: str) -> list[str]:
    """Words of two or more letters, and pairs of neighbouring words."""
    words = _WORD.findall(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def char_ngrams(text: str) -> list[str]:
    """Character n-grams inside each word padded with spaces (robust to typos and affixes)."""
    grams: list[str] = []
    low, high = CHAR_RANGE
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams += [padded[i : i + n] for i in range(max(1, len(padded) - n + 1))]
    return grams


def model_label(code: str) -> str:
    """The class a directory code trains: every kecamatan office is the one `KECAMATAN` class."""
    return AREA if code.startswith("KEC-") else code


def report_text(row: dict[str, Any]) -> str:
    """Title and text of a report row, as one string."""
    return f"{row.get('title') or ''}\n{row.get('text') or ''}"


class Scorer(Protocol):
    """Raw class scores of normalised texts."""

    @property
    def classes_(self) -> Sequence[str]: ...

    def decision_function(self, texts: Sequence[str]) -> Any: ...


# A distinct word as a scorer reads it: its columns (its word n-gram and character n-grams,
# both blocks side by side), how many, and each of its words with the columns of the word pairs
# it begins ({next word: column}, None if it begins none).
_Entry = tuple[Any, int, tuple[tuple[str, dict[str, int] | None], ...]]


@dataclass
class LinearScorer:
    """The exported SVM: per block a vocabulary and idf weights, then coefficients per class.

    A batch of texts becomes one sparse matrix of n-gram counts (both blocks side by side),
    weighted in place (sublinear tf times idf, l2 per block) and multiplied once with the
    coefficients: a few array operations per batch, however many texts it holds. Each distinct
    word's n-grams are looked up once and kept (`_word_cache`: its columns as an array and the
    word pairs it begins), so a report costs a dictionary look-up or two per word, not a rebuild
    of its n-grams.
    """

    classes_: list[str]
    blocks: list[tuple[dict[str, int], Any]]
    coef: Any
    intercept: Any
    _word_cache: dict[str, _Entry] = field(default_factory=dict, repr=False, compare=False)
    _pairs: dict[str, dict[str, int]] | None = field(default=None, repr=False, compare=False)
    _arrays: tuple[Any, Any] | None = field(default=None, repr=False, compare=False)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Artefacts pickled with other caches (or none) load with empty ones."""
        kept = {k: v for k, v in state.items() if not k.startswith("_")}
        self.__dict__.update(kept | {"_word_cache": {}, "_pairs": None, "_arrays": None})

    def __getstate__(self) -> dict[str, Any]:
        kept = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        return kept | {"_word_cache": {}, "_pairs": None, "_arrays": None}

    def decision_function(self, texts: Sequence[str]) -> Any:
        """The SVM's scores for each (normalised) text: an array of texts x classes."""
        import numpy as np

        if not texts:
            return np.zeros((0, len(self.classes_)))
        idf, by_feature = self._weights()
        columns, lengths = self._columns(texts)
        rows, features, tf = _counted(columns, lengths, len(idf))
        weights = _tfidf(rows, features, tf, idf, len(self.blocks[0][0]), len(texts))
        pointers = np.searchsorted(rows, np.arange(len(texts) + 1))
        return _product(pointers, features, weights, by_feature) + self.intercept

    def _columns(self, texts: Sequence[str]) -> tuple[Any, list[int]]:
        """Every text's feature columns, one after the other (a column once per occurrence),
        and how many each text has."""
        import numpy as np

        cached, entry_of = self._word_cache.get, self._entry
        parts: list[Any] = []
        lengths: list[int] = []
        for text in texts:
            pairs: list[int] = []
            following: dict[str, int] | None = None
            length = 0
            for word in text.split():
                columns, count, matches = cached(word) or entry_of(word)
                parts.append(columns)
                length += count
                for match, begins in matches:  # `word_ngrams`: neighbouring words as a pair
                    if following is not None and match in following:
                        pairs.append(following[match])
                    following = begins
            parts.append(np.array(pairs, np.int64))
            lengths.append(length + len(pairs))
        return np.concatenate(parts), lengths

    def _weights(self) -> tuple[Any, Any]:
        """Both blocks' idf in one array, and the coefficients feature by feature, made once."""
        if self._arrays is None:
            import numpy as np

            idf = np.concatenate([np.asarray(weights, np.float64) for _, weights in self.blocks])
            by_feature = np.ascontiguousarray(np.asarray(self.coef, np.float64).T)
            self._arrays = (idf, by_feature)
        return self._arrays

    def _entry(self, word: str) -> _Entry:
        """A word's columns and pairs (one split word: `word_ngrams` and `char_ngrams` of it)."""
        import numpy as np

        (words, _), (chars, _) = self.blocks
        if self._pairs is None:
            self._pairs = {}
            for gram, column in words.items():
                first, space, second = gram.partition(" ")
                if space:
                    self._pairs.setdefault(first, {})[second] = column
        matches = _WORD.findall(word)
        found = [words[m] for m in matches if m in words]
        found += [chars[g] + len(words) for g in char_ngrams(word) if g in chars]
        entry = (
            np.array(found, np.int64),
            len(found),
            tuple((m, self._pairs.get(m)) for m in matches),
        )
        if len(self._word_cache) < CACHE_WORDS:
            self._word_cache[word] = entry
        return entry


def _counted(columns: Any, lengths: Sequence[int], width: int) -> tuple[Any, Any, Any]:
    """(text, feature) pairs with their counts, in text then feature order: the entries of the
    batch's count matrix as `csr_matrix.sum_duplicates` leaves them, without building one."""
    import numpy as np

    keys = np.repeat(np.arange(len(lengths), dtype=np.int64) * width, lengths)
    keys += columns
    if not len(keys):  # texts without a known n-gram
        return keys, keys, np.zeros(0)
    keys.sort()
    bounds = np.concatenate(([0], (keys[1:] != keys[:-1]).nonzero()[0] + 1, [len(keys)]))
    tf = (bounds[1:] - bounds[:-1]).astype(np.float64)
    rows, features = np.divmod(keys[bounds[:-1]], width)
    return rows, features, tf


def _tfidf(rows: Any, features: Any, tf: Any, idf: Any, split: int, texts: int) -> Any:
    """Counts -> (1 + log tf) * idf, l2-normalised per text and block (features < `split` are
    the word block): what scikit-learn's `TfidfVectorizer(sublinear_tf=True)` makes of each
    block. `rows` and `features` in text then feature order."""
    import numpy as np

    weights = (1.0 + np.log(tf)) * idf[features]
    groups = 2 * rows + (features >= split)
    norms = np.sqrt(np.bincount(groups, weights=weights * weights, minlength=2 * texts))
    norms[norms == 0] = 1.0
    return weights * (1.0 / norms)[groups]


def _weigh(counts: Any, idf: Any, split: int) -> None:
    """`_tfidf` of a summed CSR count matrix, in place."""
    import numpy as np

    rows = np.repeat(np.arange(len(counts.indptr) - 1), np.diff(counts.indptr))
    counts.data = _tfidf(rows, counts.indices, counts.data, idf, split, len(counts.indptr) - 1)


def _product(pointers: Any, features: Any, weights: Any, by_feature: Any) -> Any:
    """The sparse rows (CSR parts) times the dense coefficients: scipy's own CSR kernel, called
    without building a matrix object (its checks cost more than the product for a few texts).
    Each score is summed in feature order from zero, as `csr_matrix @ dense` sums it."""
    import numpy as np

    texts, classes = len(pointers) - 1, by_feature.shape[1]
    kernel = _csr_kernel()
    if kernel is None:  # a scipy without the kernel under this name: the public way
        from scipy import sparse

        shape = (texts, by_feature.shape[0])
        return np.asarray(sparse.csr_matrix((weights, features, pointers), shape) @ by_feature)
    scores = np.zeros((texts, classes))
    kernel(
        texts, by_feature.shape[0], classes, pointers, features, weights,
        by_feature.ravel(), scores.ravel(),
    )  # fmt: skip
    return scores


@functools.cache
def _csr_kernel() -> Any:
    """scipy's compiled CSR-times-dense kernel (what `csr_matrix @ dense` calls), or None if this
    scipy does not have it (pyproject pins scipy; the test compares both ways)."""
    try:
        from scipy.sparse import _sparsetools
    except ImportError:
        return None
    return getattr(_sparsetools, "csr_matvecs", None)


@dataclass
class TextModel:
    """A scorer, its temperature, and what training measured (threshold, figures)."""

    scorer: Scorer
    temperature: float = 1.0
    threshold: float = 0.5
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def classes(self) -> tuple[str, ...]:
        """The classes the model knows (directory codes and `KECAMATAN`)."""
        return tuple(str(c) for c in self.scorer.classes_)

    def known_share(self, text: str) -> tuple[float, int]:
        """The share of a text's words (3+ letters) the model has features for, and their count."""
        return self.known_share_of(normalised(text).split())

    def known_share_of(self, words: Sequence[str]) -> tuple[float, int]:
        """`known_share` of a text's normalised words."""
        blocks = getattr(self.scorer, "blocks", None)
        words = [w for w in words if len(w) >= 3 and w.isalpha()]
        if not blocks or not words:
            return 1.0, len(words)
        vocabulary = blocks[0][0]
        return len([w for w in words if w in vocabulary]) / len(words), len(words)

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Each text's calibrated probability per class."""
        shares = self.calibrated([normalised(t) for t in texts])
        return [dict(zip(self.classes, row.tolist(), strict=True)) for row in shares]

    def calibrated(self, normalised_texts: Sequence[str]) -> Any:
        """Each normalised text's calibrated probabilities, texts x classes (in `classes` order)."""
        import numpy as np

        if not normalised_texts:
            return np.zeros((0, len(self.classes)))
        scores = np.asarray(self.scorer.decision_function(normalised_texts), dtype=np.float64)
        scaled = self.temperature * (scores - scores.max(axis=1, keepdims=True))
        exps = np.exp(scaled)
        return exps / exps.sum(axis=1, keepdims=True)

    def save(self, path: Path = DEFAULT_PATH) -> Path:
        """Write the model where `load` finds it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        stored = {
            "format": FORMAT,
            "scorer": self.scorer,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "metrics": self.metrics,
        }
        path.write_bytes(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
        return path

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> TextModel:
        """Read a saved model (the project's own build artefact); FileNotFoundError if absent."""
        stored = pickle.loads(path.read_bytes())  # our own build artefact, never a download
        if stored.get("format") != FORMAT:
            raise ValueError(f"{path}: model format {stored.get('format')}, expected {FORMAT}")
        return cls(stored["scorer"], stored["temperature"], stored["threshold"], stored["metrics"])


def softmax(row: Sequence[float], temperature: float) -> list[float]:
    """Probabilities from scores, sharpened (T > 1) or softened (T < 1)."""
    top = max(row)
    exps = [math.exp(temperature * (v - top)) for v in row]
    total = sum(exps)
    return [e / total for e in exps]


def build_pipeline(c: float = 0.5) -> Any:
    """Word (1-2) and character (2-5, within words) TF-IDF and a linear SVM (scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    words = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2)
    features = FeatureUnion([("words", words), ("chars", chars)])
    return make_pipeline(features, LinearSVC(C=c, tol=1e-3, random_state=0))


def fit(rows: Sequence[dict[str, Any]], c: float = 0.5) -> Any:
    """A scikit-learn pipeline fitted on labelled rows in the reference format."""
    pipeline = build_pipeline(c)
    pipeline.fit(
        [normalised(report_text(r)) for r in rows],
        [model_label(str(r["expected_skpd"])) for r in rows],
    )
    return pipeline


def export(pipeline: Any) -> LinearScorer:
    """What prediction needs of a fitted pipeline, without scikit-learn."""
    import numpy as np

    union, svm = pipeline.steps[0][1], pipeline.steps[-1][1]
    blocks = [
        (
            {str(k): int(v) for k, v in vec.vocabulary_.items()},
            np.asarray(vec.idf_, dtype=np.float64),
        )
        for _, vec in union.transformer_list
    ]
    return LinearScorer(
        [str(c) for c in svm.classes_],
        blocks,
        np.asarray(svm.coef_, dtype=np.float64),
        np.asarray(svm.intercept_, dtype=np.float64),
    )
