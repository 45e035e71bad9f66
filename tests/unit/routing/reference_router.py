"""The router as main (717a24b) decided, the plain way: what the fast path must decide the same.

Kept only to prove the batch path equal (`test_routing_fast_path.py`). It scores each block of
TF-IDF features with scipy's sparse products as the model it started from did, tokenises each
clause alone, cuts a report into every run of up to six words to find duties, and blends into a
dictionary of every class, sorted whole. The parts of the decision the fast path did not change
(the method, `also`, the location) are the router's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from routing.adapters.duties import LONGEST, Duties, Duty
from routing.adapters.hybrid_router import (
    DUTY_CONFIDENCE,
    FALLBACK_AREA,
    MIN_KNOWN,
    MIN_WORDS,
    HybridRouter,
)
from routing.adapters.keyword_router import Evidence, Rule
from routing.adapters.lexicon import AREA
from routing.adapters.model import LinearScorer, char_ngrams, normalised, word_ngrams
from routing.adapters.reading import Reading
from routing.adapters.text import _BREAK, tokens
from routing.domain.router import Candidate, RoutableReport, RoutingDecision
from shared import categories, geography


def scores(scorer: LinearScorer, texts: Sequence[str]) -> Any:
    """The SVM's scores: per block a sparse TF-IDF matrix, stacked, times the coefficients."""
    import numpy as np
    from scipy import sparse

    (words, word_idf), (chars, char_idf) = scorer.blocks
    word_rows = [[words[g] for g in word_ngrams(t) if g in words] for t in texts]
    char_rows = [[chars[g] for g in char_ngrams(t) if g in chars] for t in texts]
    features = sparse.hstack([_tfidf(word_rows, word_idf), _tfidf(char_rows, char_idf)], "csr")
    return np.asarray(features @ np.asarray(scorer.coef).T) + scorer.intercept


def per_text_scores(scorer: LinearScorer, texts: Sequence[str]) -> Any:
    """The scores as main (4161f8d) made them: each text's word n-grams rebuilt and looked up,
    each word's character n-grams looked up, one CSR matrix for the batch, weighed in place."""
    import numpy as np
    from scipy import sparse

    from routing.adapters.model import _weigh

    idf = np.concatenate([np.asarray(weights, np.float64) for _, weights in scorer.blocks])
    (words, _), (chars, _) = scorer.blocks
    parts: list[Any] = [np.zeros(0, np.int64)]
    lengths: list[int] = []
    for text in texts:
        columns = [words[g] for g in word_ngrams(text) if g in words]
        for word in text.split():
            columns += [chars[g] + len(words) for g in char_ngrams(word) if g in chars]
        parts.append(np.array(columns, np.int64))
        lengths.append(len(columns))
    counts = sparse.csr_matrix(
        (np.ones(sum(lengths)), np.concatenate(parts), np.concatenate(([0], np.cumsum(lengths)))),
        shape=(len(texts), len(idf)),
    )
    counts.sum_duplicates()
    _weigh(counts, idf, len(words))
    return np.asarray(counts @ np.ascontiguousarray(np.asarray(scorer.coef).T)) + scorer.intercept


def _tfidf(rows: Sequence[Sequence[int]], idf: Any) -> Any:
    import numpy as np
    from scipy import sparse

    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    columns = np.array([i for r in rows for i in r], dtype=np.int64)
    pointers = np.concatenate(([0], np.cumsum(lengths)))
    counts = sparse.csr_matrix(
        (np.ones(len(columns)), columns, pointers), shape=(len(rows), len(idf))
    )
    counts.sum_duplicates()
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ counts


def segments(text: str) -> list[list[str]]:
    """Each clause tokenised alone."""
    return [words for words in (tokens(part) for part in _BREAK.split(text)) if words]


def hits(by_first: Mapping[str, Sequence[Rule]], words: Sequence[str]) -> list[tuple[int, Rule]]:
    """The keyword rules found in a clause as main (4161f8d) found them: every word's rules
    tried, a phrase inside a longer one hidden, each rule kept once."""
    found: list[tuple[int, int, Rule]] = []
    for start, word in enumerate(words):
        for rule in by_first.get(word, ()):
            end = start + len(rule.words)
            if tuple(words[start:end]) == rule.words:
                found.append((start, end, rule))
    kept: list[tuple[int, Rule]] = []
    for start, end, rule in found:
        hidden = any(s <= start and end <= e and e - s > end - start for s, e, _ in found)
        if not hidden and all(rule != r for _, r in kept):
            kept.append((start, rule))
    return kept


def area(report: RoutableReport) -> str | None:
    """The kecamatan office for a report's place as main found it, looked up every time."""
    place = geography.canonical(report.kecamatan, report.kelurahan)
    if place is None:
        place = geography.find_place(f"{report.title} {report.text}")
    return None if place is None else geography.kecamatan().get(place.kecamatan)


def runs(place_words: frozenset[str], report: RoutableReport) -> frozenset[tuple[str, ...]]:
    """Every run of up to LONGEST words that does not follow a place word."""
    present: set[tuple[str, ...]] = set()
    for words in (tokens(report.title), tokens(report.text)):
        for start in range(len(words)):
            if start and words[start - 1] in place_words:
                continue
            for end in range(start + 1, min(start + LONGEST, len(words)) + 1):
                present.add(tuple(words[start:end]))
    return frozenset(present)


def find(duties: Duties, present: frozenset[tuple[str, ...]]) -> Duty | None:
    """The first duty every part of which is among the runs."""
    for duty in duties._duties:
        found = [next(iter(sorted(part & present)), None) for part in duty.parts]
        if all(phrase is not None for phrase in found):
            return Duty(duty.code, duty.rule, tuple(" ".join(p) for p in found if p is not None))
    return None


class ReferenceRouter:
    """The decisions of `router`'s model and lexicon, taken the way main took them."""

    def __init__(self, router: HybridRouter) -> None:
        self.router = router

    def route_many(self, reports: Sequence[RoutableReport]) -> list[RoutingDecision]:
        """Decisions for the reports (the model reads them in one batch)."""
        import numpy as np

        model = self.router.model
        assert isinstance(model.scorer, LinearScorer)
        raw = scores(model.scorer, [normalised(f"{r.title}\n{r.text}") for r in reports])
        exps = np.exp(model.temperature * (raw - raw.max(axis=1, keepdims=True)))
        shares = exps / exps.sum(axis=1, keepdims=True)
        rows = [dict(zip(model.classes, row.tolist(), strict=True)) for row in shares]
        return [self._decide(r, p) for r, p in zip(reports, rows, strict=True)]

    def _scores(
        self, report: RoutableReport, probabilities: Mapping[str, float]
    ) -> tuple[dict[str, float], dict[str, Evidence]]:
        router, blend = self.router, self.router.blend
        evidence = router.keywords.evidence_in(segments(report.title), segments(report.text))
        weights = dict(probabilities)
        norm = 1.0
        total = sum(e.score for e in evidence.values())
        if total > 0:
            best = max(e.score for e in evidence.values())
            strength = blend.rules * best / (best + blend.pivot)
            for code, found in evidence.items():
                weights[code] = weights.get(code, 0.0) + strength * found.score / total
            norm += strength
        decisive = [code for code, found in evidence.items() if found.decisive]
        if len(decisive) == 1:
            weights[decisive[0]] = weights.get(decisive[0], 0.0) + blend.decisive
            norm += blend.decisive
        hinted = categories.body_for(report.category)
        if hinted is not None:
            hinted = AREA if hinted.startswith("KEC-") else hinted
            weights[hinted] = weights.get(hinted, 0.0) + blend.category
            norm += blend.category
        return {code: w / norm for code, w in weights.items()}, evidence

    def _decide(
        self, report: RoutableReport, probabilities: Mapping[str, float]
    ) -> RoutingDecision:
        router, reading = self.router, Reading.of(report)
        shares, evidence = self._scores(report, probabilities)
        ranked = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
        present = runs(router.duties.place_words, report)
        share, words = router.model.known_share(f"{report.title}\n{report.text}")
        elsewhere = sorted(router.duties._elsewhere & present)
        if words >= MIN_WORDS and share < MIN_KNOWN:
            outside: str | None = f"hanya {share:.0%} kata yang dikenal model"
        elif elsewhere and reading.area is None:
            outside = f"di luar Kota Banjarmasin ({' '.join(elsewhere[0])})"
        else:
            outside = None
        if outside is not None:
            return router._to_triage(reading, ranked, f"out-of-scope: {outside}")
        duty = find(router.duties, present)
        if duty is not None:
            return self._by_duty(reading, duty, ranked)
        best, confidence = ranked[0]
        code, method, reason = router._body(reading, best, evidence)
        also = router._also(best, shares, evidence)
        triage = confidence < router.threshold or (code == FALLBACK_AREA and best == AREA)
        if triage:
            reason = f"keyakinan {confidence:.2f} di bawah ambang {router.threshold:.2f}; {reason}"
            also = ()
        top = ranked[: router._max_candidates]
        candidates = tuple(Candidate(router._resolve(reading, c), round(s, 3)) for c, s in top)
        confidence = round(min(max(confidence, 0.0), 1.0), 4)
        return RoutingDecision(code, confidence, reason, candidates, method, also, triage)

    def _by_duty(
        self, reading: Reading, duty: Duty, ranked: Sequence[tuple[str, float]]
    ) -> RoutingDecision:
        router = self.router
        others = [
            Candidate(router._resolve(reading, c), round(s, 3)) for c, s in ranked if c != duty.code
        ]
        candidates = (Candidate(duty.code, DUTY_CONFIDENCE), *others)[: router._max_candidates]
        reason = f"kewajiban ({duty.rule}): {', '.join(duty.phrases)}"
        return RoutingDecision(duty.code, DUTY_CONFIDENCE, reason, candidates, "rule")
