"""The keyword router: weighted phrases per body, matched on whole words, longest phrase first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from routing.adapters import rules as default_rules
from routing.adapters.text import segments, tokens
from routing.domain.router import Candidate, RoutableReport, RoutingDecision


@dataclass(frozen=True)
class Rule:
    """One phrase (as normalised words) and the body it points to; `code` None scores nothing."""

    words: tuple[str, ...]
    code: str | None
    weight: float


@dataclass
class _Evidence:
    """What speaks for one body in one report."""

    code: str
    score: float = 0.0
    longest: int = 0
    phrases: list[str] = field(default_factory=list)

    def add(self, rule: Rule, weight: float) -> None:
        self.score += weight
        self.longest = max(self.longest, len(rule.words))
        phrase = " ".join(rule.words)
        if phrase not in self.phrases:
            self.phrases.append(phrase)


def compile_rules(
    table: Mapping[str, Mapping[float, str]] = default_rules.RULES,
    neutral: str = default_rules.NEUTRAL,
) -> list[Rule]:
    """The rule table as `Rule`s, phrases normalised like report text."""
    compiled = [Rule(tuple(words), None, 0.0) for words in _phrases(neutral)]
    for code, tiers in table.items():
        for weight, phrases in tiers.items():
            compiled += [Rule(tuple(words), code, float(weight)) for words in _phrases(phrases)]
    return compiled


def _phrases(text: str) -> Iterable[list[str]]:
    return (words for words in (tokens(part) for part in text.split(";")) if words)


class KeywordRouter:
    """Routes by keyword rules; no match, a tie or low confidence goes to triage."""

    def __init__(
        self,
        rules: Sequence[Rule] | None = None,
        *,
        min_confidence: float = 0.0,
        title_weight: float = 1.5,
        strength_pivot: float = 2.0,
        max_candidates: int = 5,
        area: str = default_rules.AREA,
        area_codes: Mapping[str, str] = default_rules.AREA_CODES,
    ) -> None:
        self._by_first: dict[str, list[Rule]] = {}
        for rule in compile_rules() if rules is None else rules:
            self._by_first.setdefault(rule.words[0], []).append(rule)
        self._min_confidence = min_confidence
        self._title_weight = title_weight
        self._strength_pivot = strength_pivot
        self._max_candidates = max_candidates
        self._area = area
        self._area_codes = dict(area_codes)

    def route(self, report: RoutableReport) -> RoutingDecision:
        """The body the rules point to, or none with the candidates for the admin."""
        evidence: dict[str, _Evidence] = {}
        for field_text, weight in ((report.title, self._title_weight), (report.text, 1.0)):
            for rule in self.matches(field_text):
                if rule.code is not None:
                    evidence.setdefault(rule.code, _Evidence(rule.code)).add(
                        rule, rule.weight * weight
                    )
        self._resolve_area(evidence, report.kecamatan, tokens(f"{report.title} {report.text}"))
        return self._decide(evidence)

    def matches(self, text: str) -> list[Rule]:
        """The rules found in a text, each once; a phrase inside a longer one found is hidden."""
        found: list[Rule] = []
        for words in segments(text):
            found += [rule for rule in self._in_segment(words) if rule not in found]
        return found

    def _in_segment(self, words: Sequence[str]) -> list[Rule]:
        hits: list[tuple[int, int, Rule]] = []
        for start, word in enumerate(words):
            for rule in self._by_first.get(word, ()):
                end = start + len(rule.words)
                if tuple(words[start:end]) == rule.words:
                    hits.append((start, end, rule))
        return [
            rule
            for start, end, rule in hits
            if not any(s <= start and end <= e and e - s > end - start for s, e, _ in hits)
        ]

    def _resolve_area(
        self, evidence: dict[str, _Evidence], kecamatan: str | None, words: list[str]
    ) -> None:
        """Kelurahan and kecamatan services go to the kecamatan where the report is."""
        found = evidence.pop(self._area, None)
        code = self._area_code(tokens(kecamatan or "")) or self._area_code(words)
        if found is None or code is None:
            return
        merged = evidence.setdefault(code, _Evidence(code))
        merged.score += found.score
        merged.longest = max(merged.longest, found.longest)
        merged.phrases += [p for p in found.phrases if p not in merged.phrases]

    def _area_code(self, words: Sequence[str]) -> str | None:
        for before, after in pairwise(words):
            if before == "banjarmasin" and after in self._area_codes:
                return self._area_codes[after]
        return None

    def _decide(self, evidence: dict[str, _Evidence]) -> RoutingDecision:
        ranked = sorted(evidence.values(), key=lambda e: (*_rank(e), e.code))
        if not ranked:
            return RoutingDecision(None, 0.0, "tidak ada kata kunci yang cocok")
        total = sum(e.score for e in ranked)
        candidates = tuple(
            Candidate(e.code, round(e.score / total, 3)) for e in ranked[: self._max_candidates]
        )
        best = ranked[0]
        tied = [e.code for e in ranked if _rank(e) == _rank(best)]
        if len(tied) > 1:
            return RoutingDecision(None, 0.0, f"skor seimbang: {', '.join(tied)}", candidates)
        confidence = round(best.score / total * best.score / (best.score + self._strength_pivot), 3)
        if confidence < self._min_confidence:
            reason = f"keyakinan rendah ({confidence:.2f}) untuk {best.code}"
            return RoutingDecision(None, confidence, reason, candidates)
        reason = f"kata kunci: {', '.join(best.phrases)}"
        return RoutingDecision(best.code, confidence, reason, candidates)


def _rank(evidence: _Evidence) -> tuple[float, int]:
    """Sort key of a body's evidence: more score first, then the longest phrase (no float noise)."""
    return (-round(evidence.score, 6), -evidence.longest)
