"""Screening: is a well-formed report spam, abusive or part of a flood? Thresholds are given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from intake.domain.errors import InvalidVerdict

ACCEPTED = "accepted"
HELD = "held"
ARCHIVED = "archived"
OUTCOMES = (ACCEPTED, HELD, ARCHIVED)

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Verdict:
    """What screening decided, and why (the reason is shown to the reporter)."""

    status: str
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.status not in OUTCOMES:
            raise InvalidVerdict(f"unknown screening outcome {self.status!r}")
        if self.status != ACCEPTED and not self.reason:
            raise InvalidVerdict(f"a {self.status} report needs a reason")

    @classmethod
    def accept(cls) -> Verdict:
        return cls(ACCEPTED)

    @classmethod
    def hold(cls, reason: str) -> Verdict:
        return cls(HELD, reason)

    @classmethod
    def archive(cls, reason: str) -> Verdict:
        return cls(ARCHIVED, reason)


@dataclass(frozen=True)
class ScreeningRules:
    """The configured thresholds (from settings, never constants in code)."""

    min_words: int
    flood_max_reports: int
    flood_window: timedelta
    abusive_words: frozenset[str]


def words(text: str) -> list[str]:
    """The lower-cased words (runs of letters) of a text."""
    return [w.lower() for w in _WORD.findall(text)]


def screen(text: str, reports_in_window: int, rules: ScreeningRules) -> Verdict:
    """Archive the unintelligible, hold the abusive and floods, accept the rest.

    `reports_in_window` counts this reporter's reports in the flood window, this one included
    (0 for a reporter without contact data: anonymity is never a reason to refuse).
    """
    return screen_words(words(text), reports_in_window, rules)


def screen_words(found: list[str], reports_in_window: int, rules: ScreeningRules) -> Verdict:
    """`screen` of a text's `words`, when they were read already."""
    if not found:
        return Verdict.archive("spam: laporan tidak berisi kata yang dapat dibaca")
    if len(found) < rules.min_words:
        return Verdict.archive(
            f"spam: laporan terlalu singkat untuk dipahami (kurang dari {rules.min_words} kata)"
        )
    if rules.abusive_words.intersection(found):
        return Verdict.hold("kata kasar: laporan perlu ditinjau petugas")
    if reports_in_window > rules.flood_max_reports:
        minutes = round(rules.flood_window.total_seconds() / 60)
        return Verdict.hold(
            f"banjir laporan: lebih dari {rules.flood_max_reports} laporan dalam {minutes} "
            "menit dari pelapor yang sama"
        )
    return Verdict.accept()
