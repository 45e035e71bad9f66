"""Screening rules: spam archived, abusive and floods held, the rest accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intake.domain.errors import InvalidVerdict
from intake.domain.screening import ACCEPTED, ARCHIVED, HELD, ScreeningRules, Verdict, screen

RULES = ScreeningRules(
    min_words=3,
    flood_max_reports=5,
    flood_window=timedelta(minutes=10),
    abusive_words=frozenset({"bangsat", "goblok"}),
)
COMPLAINT = "Lampu jalan di Jalan Sultan Adam mati sejak minggu lalu"


def test_ordinary_complaint_is_accepted() -> None:
    assert screen(COMPLAINT, 1, RULES) == Verdict.accept()


def test_text_without_letters_is_archived_as_spam() -> None:
    verdict = screen("12345 !!! 678 ???", 1, RULES)
    assert verdict.status == ARCHIVED
    assert verdict.reason is not None and verdict.reason.startswith("spam")


def test_text_with_fewer_words_than_the_minimum_is_archived() -> None:
    verdict = screen("halo admin", 1, RULES)
    assert verdict.status == ARCHIVED
    assert "3 kata" in (verdict.reason or "")


def test_text_with_exactly_the_minimum_words_is_accepted() -> None:
    assert screen("air PDAM mati", 1, RULES).status == ACCEPTED


def test_abusive_word_holds_the_report_whatever_its_case() -> None:
    verdict = screen(f"{COMPLAINT}, petugasnya GOBLOK", 1, RULES)
    assert verdict.status == HELD
    assert "kata kasar" in (verdict.reason or "")


def test_abusive_word_inside_a_longer_word_does_not_hold() -> None:
    assert screen(f"{COMPLAINT} di Gobloksari", 1, RULES).status == ACCEPTED


def test_report_beyond_the_flood_limit_is_held() -> None:
    verdict = screen(COMPLAINT, 6, RULES)
    assert verdict.status == HELD
    assert "banjir laporan" in (verdict.reason or "")


def test_report_at_the_flood_limit_is_accepted() -> None:
    assert screen(COMPLAINT, 5, RULES).status == ACCEPTED


def test_unintelligible_flood_is_archived_rather_than_held() -> None:
    assert screen("???", 9, RULES).status == ARCHIVED


def test_held_verdict_without_reason_is_refused() -> None:
    with pytest.raises(InvalidVerdict):
        Verdict(HELD)


def test_unknown_outcome_is_refused() -> None:
    with pytest.raises(InvalidVerdict):
        Verdict("deleted", "no")
