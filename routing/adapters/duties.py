"""Duties before words: who must act, from what the report is about (`data/lexicon.csv`).

A duty names a body and the parts a report must hold (each part a phrase or a term set); the
first duty, in file order, whose every part is found decides; a phrase counts up to LONGEST
words. A phrase right after a place word ("di depan SMA") names where the problem is, so it never
makes a duty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.adapters.lexicon import DutyRow, read_duties
from routing.adapters.text import tokens
from routing.domain.router import RoutableReport

PLACE = "@place"
ELSEWHERE = "@elsewhere"
LONGEST = 6


@dataclass(frozen=True)
class Duty:
    """A duty found in a report: the body, the duty as written, and the phrases that made it."""

    code: str
    rule: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class _Compiled:
    code: str
    rule: str
    parts: tuple[frozenset[tuple[str, ...]], ...]


def _phrases(texts: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(words for words in (tuple(tokens(t)) for t in texts) if words)


class Duties:
    """The lexicon's duties, in precedence order."""

    def __init__(self, path: Path | None = None) -> None:
        rows, terms = read_duties(path)
        self.place_words = frozenset(w for p in _phrases(terms.get(PLACE, ())) for w in p)
        self._duties = [self._compile(row) for row in rows]
        self._elsewhere = _phrases(terms.get(ELSEWHERE, ()))
        known = self._elsewhere.union(*(part for duty in self._duties for part in duty.parts))
        # Every phrase a duty or a place elsewhere names, by its first word (a report is
        # searched for these alone, not cut into every run of its words).
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(p for p in known if len(p) <= LONGEST):
            self._by_first.setdefault(phrase[0], []).append(phrase)

    @staticmethod
    def _compile(row: DutyRow) -> _Compiled:
        return _Compiled(row.code, row.text, tuple(_phrases(part) for part in row.parts))

    def find(self, report: RoutableReport) -> Duty | None:
        """The first duty the report holds every part of, or None."""
        return self.find_among(self.present(tokens(report.title), tokens(report.text)))

    def find_among(self, present: frozenset[tuple[str, ...]]) -> Duty | None:
        """The first duty whose every part is among the phrases `present` in a report, or None."""
        for duty in self._duties:
            found = []
            for part in duty.parts:
                held = part & present
                if not held:
                    break
                found.append(" ".join(min(held)))  # the first of its phrases, as they sort
            else:
                return Duty(duty.code, duty.rule, tuple(found))
        return None

    def elsewhere(self, report: RoutableReport) -> str | None:
        """Another city or regency the report names (not as a direction), or None."""
        return self.elsewhere_among(self.present(tokens(report.title), tokens(report.text)))

    def elsewhere_among(self, present: frozenset[tuple[str, ...]]) -> str | None:
        """Another city or regency among the phrases `present` in a report, or None."""
        found = sorted(self._elsewhere & present)
        return " ".join(found[0]) if found else None

    def present(self, *fields: Sequence[str]) -> frozenset[tuple[str, ...]]:
        """The duties' and places' phrases found in the fields' words (a phrase never runs from
        one field into the next), except right after a place word."""
        present: set[tuple[str, ...]] = set()
        place_words, by_first = self.place_words, self._by_first
        for words in fields:
            if by_first.keys().isdisjoint(words):  # most fields name no duty and no town
                continue
            for start, word in enumerate(words):
                if start and words[start - 1] in place_words:
                    continue
                for phrase in by_first.get(word, ()):
                    if tuple(words[start : start + len(phrase)]) == phrase:
                        present.add(phrase)
        return frozenset(present)
