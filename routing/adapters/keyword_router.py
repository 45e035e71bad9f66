"""The keyword router: weighted phrases per body, matched on whole words, longest phrase first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from routing.adapters.duties import Duties
from routing.adapters.lexicon import AREA, CERTAIN, DECISIVE, NEUTRAL, Table, read_lexicon
from routing.adapters.location import area_body
from routing.adapters.text import segments, tokens
from routing.domain.router import Candidate, RoutableReport, RoutingDecision

PLACE_TIER = 1.0


@dataclass(frozen=True)
class Rule:
    """One phrase (as normalised words) and the body it points to; `code` None scores nothing."""

    words: tuple[str, ...]
    code: str | None
    weight: float


@dataclass
class Evidence:
    """What speaks for one body in one report, and in which clauses it was found."""

    code: str
    score: float = 0.0
    longest: int = 0
    strongest: float = 0.0
    phrases: list[str] = field(default_factory=list)
    clauses: set[int] = field(default_factory=set)

    def add(self, rule: Rule, weight: float, clause: int, tier: float | None = None) -> None:
        """Count one phrase found in one clause (`tier`: the weight it counts as, if lowered)."""
        self.score += weight
        self.longest = max(self.longest, len(rule.words))
        self.strongest = max(self.strongest, rule.weight if tier is None else tier)
        self.clauses.add(clause)
        phrase = " ".join(rule.words)
        if phrase not in self.phrases:
            self.phrases.append(phrase)

    @property
    def certain(self) -> bool:
        """Whether a phrase only this body answers for was found."""
        return self.strongest >= CERTAIN

    @property
    def decisive(self) -> bool:
        """Whether a phrase naming this body's authority over the matter was found."""
        return self.strongest >= DECISIVE


def compile_rules(table: Table | None = None) -> list[Rule]:
    """The lexicon as `Rule`s, phrases normalised like report text."""
    table = read_lexicon() if table is None else table
    compiled: list[Rule] = []
    for code, tiers in table.items():
        for weight, phrases in tiers.items():
            target = None if code == NEUTRAL else code
            compiled += [Rule(tuple(words), target, float(weight)) for words in _phrases(phrases)]
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
    ) -> None:
        self._by_first: dict[str, list[Rule]] = {}
        for rule in compile_rules() if rules is None else rules:
            self._by_first.setdefault(rule.words[0], []).append(rule)
        # By first word: its one-word rules, and its longer ones by their second word, each with
        # its place in the lexicon (a clause's hits at one word keep the lexicon's order).
        self._starting: dict[str, _Starting] = {}
        same: dict[Rule, Rule] = {}  # equal rules as one object: a clause keeps a rule once
        for first, rules_of in self._by_first.items():
            found = [same.setdefault(rule, rule) for rule in rules_of]
            singles = tuple((n, r) for n, r in enumerate(found) if len(r.words) == 1)
            longer: dict[str, list[tuple[int, Rule]]] = {}
            for n, rule in enumerate(found):
                if len(rule.words) > 1:
                    longer.setdefault(rule.words[1], []).append((n, rule))
            self._starting[first] = (singles, longer)
        self._place_words = Duties().place_words
        self._min_confidence = min_confidence
        self._title_weight = title_weight
        self._strength_pivot = strength_pivot
        self._max_candidates = max_candidates

    def route(self, report: RoutableReport) -> RoutingDecision:
        """The body the rules point to, or none with the candidates for the admin."""
        evidence = self.evidence(report)
        found = evidence.pop(AREA, None)
        area = area_body(report)
        if found is not None and area is not None:
            merged = evidence.setdefault(area, Evidence(area))
            merged.score += found.score
            merged.longest = max(merged.longest, found.longest)
            merged.phrases += [p for p in found.phrases if p not in merged.phrases]
        return self._decide(evidence)

    def route_many(self, reports: Sequence[RoutableReport]) -> list[RoutingDecision]:
        """Decisions for many reports, one by one (no model to batch)."""
        return [self.route(report) for report in reports]

    def evidence(self, report: RoutableReport) -> dict[str, Evidence]:
        """What speaks for each body (`KECAMATAN` for the kecamatan's services)."""
        return self.evidence_in(segments(report.title), segments(report.text))

    def evidence_in(
        self, title: Sequence[Sequence[str]], text: Sequence[Sequence[str]]
    ) -> dict[str, Evidence]:
        """What speaks for each body in a report's title and text, cut into clauses of words."""
        evidence: dict[str, Evidence] = {}
        clause = 0
        for clauses, weight in ((title, self._title_weight), (text, 1.0)):
            for words in clauses:
                clause += 1
                for start, rule in self._hits(words):
                    if rule.code is not None:
                        # After a place word a phrase says where, not what: a hint only.
                        tier = (
                            PLACE_TIER if start and words[start - 1] in self._place_words else None
                        )
                        found = evidence.setdefault(rule.code, Evidence(rule.code))
                        strength = rule.weight if tier is None else min(rule.weight, tier)
                        found.add(rule, strength * weight, clause, tier)
        return evidence

    def matches(self, text: str) -> list[Rule]:
        """The rules found in a text, each once; a phrase inside a longer one found is hidden."""
        found: list[Rule] = []
        for words in segments(text):
            found += [rule for rule in self._in_segment(words) if rule not in found]
        return found

    def _in_segment(self, words: Sequence[str]) -> list[Rule]:
        return [rule for _, rule in self._hits(words)]

    def _hits(self, words: Sequence[str]) -> list[tuple[int, Rule]]:
        """(start, rule) of each phrase found once; a phrase inside a longer one found is hidden."""
        by_first = self._by_first
        if by_first.keys().isdisjoint(words):  # most clauses hold no phrase at all
            return []
        hits: list[tuple[int, int, Rule]] = []
        starting, last = self._starting, len(words) - 1
        for start, word in enumerate(words):
            begun = starting.get(word)
            if begun is None:
                continue
            singles, longer = begun
            following = longer.get(words[start + 1]) if start < last else None
            if following is None:
                hits += [(start, start + 1, rule) for _, rule in singles]
                continue
            found = [*singles]
            found += [
                (n, rule)
                for n, rule in following
                if tuple(words[start : start + len(rule.words)]) == rule.words
            ]
            if singles:
                found.sort(key=_first)
            hits += [(start, start + len(rule.words), rule) for _, rule in found]
        if len(hits) == 1:
            return [(hits[0][0], hits[0][2])]
        kept: list[tuple[int, Rule]] = []
        seen: set[int] = set()
        for start, end, rule in hits:
            if id(rule) in seen:
                continue
            if not any(s <= start and end <= e and e - s > end - start for s, e, _ in hits):
                kept.append((start, rule))
                seen.add(id(rule))
        return kept

    def _decide(self, evidence: Mapping[str, Evidence]) -> RoutingDecision:
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


_Starting = tuple[tuple[tuple[int, Rule], ...], dict[str, list[tuple[int, Rule]]]]


def _first(item: tuple[int, Rule]) -> int:
    return item[0]


def _rank(evidence: Evidence) -> tuple[float, int]:
    """Sort key of a body's evidence: more score first, then the longest phrase (no float noise)."""
    return (-round(evidence.score, 6), -evidence.longest)
