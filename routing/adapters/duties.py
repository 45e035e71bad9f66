"""Duties before words: who must act, from what the report is about (`data/lexicon.csv`).

A duty names a body and the parts a report must hold (each part a phrase or a term set); the
first duty, in file order, whose every part is found decides. A phrase right after a place word
("di depan SMA") names where the problem is, so it never makes a duty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
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

    @staticmethod
    def _compile(row: DutyRow) -> _Compiled:
        return _Compiled(row.code, row.text, tuple(_phrases(part) for part in row.parts))

    def find(self, report: RoutableReport) -> Duty | None:
        """The first duty the report holds every part of, or None."""
        present = self._present(report.title, report.text)
        for duty in self._duties:
            found = [next(iter(sorted(part & present)), None) for part in duty.parts]
            if all(phrase is not None for phrase in found):
                words = tuple(" ".join(p) for p in found if p is not None)
                return Duty(duty.code, duty.rule, words)
        return None

    def elsewhere(self, report: RoutableReport) -> str | None:
        """Another city or regency the report names (not as a direction), or None."""
        found = sorted(self._elsewhere & self._present(report.title, report.text))
        return " ".join(found[0]) if found else None

    def _present(self, title: str, text: str) -> frozenset[tuple[str, ...]]:
        """Every run of up to LONGEST words of the report that does not follow a place word."""
        return _runs(self.place_words, title, text)


@lru_cache(maxsize=1024)  # a report is read for scope and for duties: its runs are built once
def _runs(place_words: frozenset[str], title: str, text: str) -> frozenset[tuple[str, ...]]:
    present: set[tuple[str, ...]] = set()
    for words in (tokens(title), tokens(text)):
        for start in range(len(words)):
            if start and words[start - 1] in place_words:
                continue
            for end in range(start + 1, min(start + LONGEST, len(words)) + 1):
                present.add(tuple(words[start:end]))
    return frozenset(present)
