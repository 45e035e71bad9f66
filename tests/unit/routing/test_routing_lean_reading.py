"""The router's readers skip what a report does not hold, and decide as main's readers did.

Keyword phrases are looked for only in clauses holding a rule's first word (a one-word phrase is
found without slicing); duties only in fields holding a duty's or town's first word; a location
as written is resolved to its kecamatan office once. Each is compared with main's way
(`reference_router`) over the corpus, the calibration set, the floor and out-of-scope sets, the
load generator's reports, every way the city's places are written, and odd texts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reference_router import area, hits, runs

from bench.generator import Generator
from routing.adapters.corpus import generate
from routing.adapters.duties import LONGEST, Duties
from routing.adapters.keyword_router import KeywordRouter
from routing.adapters.location import area_body
from routing.adapters.text import segments, tokens
from routing.adapters.training import calibration_rows
from routing.domain.router import RoutableReport
from shared import geography
from shared.contracts import IntakeMessage

HERE = Path(__file__).parent
ODD = ["", ",,,", "air air air", "pungli pungli, pungli", "di depan SMA di depan SMA", "x"]


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _report(row: dict[str, object]) -> RoutableReport:
    location = row.get("location") or {}
    assert isinstance(location, dict)
    return RoutableReport(
        str(row.get("title") or ""),
        str(row.get("text") or ""),
        location.get("kecamatan"),
        location.get("kelurahan"),
    )


@pytest.fixture(scope="module")
def reports() -> list[RoutableReport]:
    rows = [*generate(), *calibration_rows()]
    rows += [r for n in ("floor", "out-of-scope") for r in _rows(HERE / "data" / f"{n}.jsonl")]
    found = [_report(r) for r in rows]
    for record in Generator("lean-reading", malformed_share=0).records(500):
        message = IntakeMessage.model_validate_json(record.value)
        where = message.location
        found.append(RoutableReport(message.title, message.text, where.kecamatan, where.kelurahan))
    return found + [RoutableReport(t, t) for t in ODD]


def test_keyword_hits_are_main_s_in_every_clause(reports: list[RoutableReport]) -> None:
    router = KeywordRouter()
    clauses = [c for r in reports for text in (r.title, r.text) for c in segments(text)]
    found = [router._hits(words) for words in clauses]
    assert found == [hits(router._by_first, words) for words in clauses]
    assert len(clauses) > 10_000
    assert sum(map(bool, found)) > 1000 and any(len(f) > 1 for f in found)


def test_duties_present_are_main_s_in_every_report(reports: list[RoutableReport]) -> None:
    duties = Duties()
    known = {p for phrases in duties._by_first.values() for p in phrases}
    for report in reports:
        got = duties.present(tokens(report.title), tokens(report.text))
        expected = runs(duties.place_words, report) & known
        assert got == expected, report
        assert all(len(p) <= LONGEST for p in got)
    assert any(duties.present(tokens(r.title), tokens(r.text)) for r in reports)


def test_a_written_location_finds_main_s_office(reports: list[RoutableReport]) -> None:
    places = [(k.kecamatan, name) for k in geography.kelurahan() for name in (k.name, *k.aliases)]
    written = [
        *[(kec, kel) for kec, kel in places],
        *[(None, kel.upper()) for _, kel in places],
        *[(f"kec. {kec}", None) for kec, _ in places],
        ("nowhere", "atlantis"), ("", ""), (None, None),
    ]  # fmt: skip
    located = [RoutableReport("", "jalan rusak", kec, kel) for kec, kel in written]
    for report in [*located, *located, *reports]:  # the second time from the cache
        assert area_body(report) == area(report), report
    assert {area_body(r) for r in located} >= set(geography.kecamatan().values())
