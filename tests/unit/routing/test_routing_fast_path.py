"""The batch path decides as the model it started from, over every report the router knows.

The router reads each report once, scores a batch with one sparse product, finds duties by
their phrases and ranks only the best bodies; `reference_router` decides the way main did. Both
see the router's corpus, its calibration set, the hand-written floor and out-of-scope reports,
the city's reference examples and the load generator's reports, in batches of several sizes.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from reference_router import ReferenceRouter, scores
from reference_router import segments as clause_by_clause

from bench.generator import Generator
from routing.adapters.artefact import load_router
from routing.adapters.corpus import generate
from routing.adapters.hybrid_router import HybridRouter
from routing.adapters.model import LinearScorer, normalised
from routing.adapters.text import segments, tokens
from routing.adapters.training import calibration_rows
from routing.domain.router import RoutableReport, RoutingDecision
from shared.contracts import IntakeMessage

HERE = Path(__file__).parent
CHECKOUT = Path(__file__).resolve().parents[3]
REFERENCES = [p / "shared" / "reference" / "routing-examples.jsonl" for p in CHECKOUT.parents[:2]]
BATCHES = (1, 7, 64)
# Confidences and candidate shares may differ by the order of a sum, never by more than this.
EPSILON = 1e-9
TRICKY = [
    "anak2, x", "a,\u0301b", "ab2,3", "a,2", "x.2 y. z", "ﬁ. ①, Ⅻ;  ２", "\n\n", "",
    "é,e\u0301", "ulun2;ba2", "a\u2028b\u2029c", "jln. A.Yani km.2, gang 2",
]  # fmt: skip
# Duties, place words and other towns, each with and without a known kecamatan.
EDGES = [
    "lampu penerangan jalan di depan SMA negeri mati seminggu",
    "pohon tumbang di depan SD negeri, pungutan liar juga ada",
    "atap ruang kelas SMA negeri bocor",
    "guru SMA negeri sering terlambat masuk kelas",
    "oknum polisi meminta uang damai waktu razia",
    "staf kelurahan meminta uang supaya surat cepat selesai",
    "SD negeri memungut uang komite setiap bulan",
    "pengelola pasar memungut retribusi dua kali sehari",
    "ada gelandangan tidur di emperan pasar, kondisinya sakit",
    "bagaimana cara cek status laporan saya di aplikasi LAPOR",
    "jalan provinsi arah Martapura berlubang besar dan sering bikin motor jatuh",
    "jalan di Martapura berlubang besar dan sering bikin motor jatuh",
    "banjir di depan pasar Martapura, petugas pasar meminta uang",
]


def _report(row: dict[str, object]) -> RoutableReport:
    location = row.get("location") or {}
    assert isinstance(location, dict)
    category = row.get("category")
    return RoutableReport(
        str(row.get("title") or ""),
        str(row["text"]),
        location.get("kecamatan"),
        location.get("kelurahan"),
        str(category) if category else None,
    )


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _generated(count: int) -> Iterator[RoutableReport]:
    for record in Generator("fast-path", malformed_share=0).records(count):
        message = IntakeMessage.model_validate_json(record.value)
        where = message.location
        yield RoutableReport(message.title, message.text, where.kecamatan, where.kelurahan)


@pytest.fixture(scope="module")
def reports() -> list[RoutableReport]:
    rows = [*generate(), *calibration_rows()]
    rows += [
        r for name in ("floor", "out-of-scope") for r in _rows(HERE / "data" / f"{name}.jsonl")
    ]
    rows += [r for path in REFERENCES[:1] if path.exists() for r in _rows(path)]
    edges = [RoutableReport("", t, k) for t in EDGES for k in (None, "Banjarmasin Utara")]
    tricky = [RoutableReport(t, t) for t in TRICKY]
    return [*map(_report, rows), *_generated(300), *edges, *tricky]


@pytest.fixture(scope="module")
def router() -> HybridRouter:
    return load_router()


def _in_batches(router: HybridRouter, reports: Sequence[RoutableReport]) -> list[RoutingDecision]:
    decided: list[RoutingDecision] = []
    sizes = itertools.cycle(BATCHES)
    start = 0
    while start < len(reports):
        size = next(sizes)
        decided += router.route_many(reports[start : start + size])
        start += size
    return decided


def _same(got: RoutingDecision, expected: RoutingDecision) -> bool:
    shares = zip(got.candidates, expected.candidates, strict=False)
    return (
        (got.code, got.method, got.triage, got.also, got.reason)
        == (expected.code, expected.method, expected.triage, expected.also, expected.reason)
        and abs(got.confidence - expected.confidence) <= EPSILON
        and [c.code for c in got.candidates] == [c.code for c in expected.candidates]
        and all(abs(a.score - b.score) <= EPSILON for a, b in shares)
    )


def test_every_report_is_decided_as_the_model_it_started_from_decided_it(
    router: HybridRouter, reports: list[RoutableReport]
) -> None:
    expected = ReferenceRouter(router).route_many(reports)
    got = _in_batches(router, reports)
    assert len(reports) > 4000 and len(got) == len(expected)
    differing = [
        (r, g, e) for r, g, e in zip(reports, got, expected, strict=True) if not _same(g, e)
    ]
    assert differing == []
    assert {d.method for d in got} >= {"rule", "model", "location"}
    assert any(d.triage for d in got) and any(d.also for d in got)


def test_the_batch_scores_are_the_stacked_blocks_products(
    router: HybridRouter, reports: list[RoutableReport]
) -> None:
    import numpy as np

    scorer = router.model.scorer
    assert isinstance(scorer, LinearScorer)
    texts = [normalised(f"{r.title}\n{r.text}") for r in reports]
    expected = scores(scorer, texts)
    for size in BATCHES:
        got = np.vstack(
            [scorer.decision_function(texts[i : i + size]) for i in range(0, 700, size)]
        )
        assert np.abs(got - expected[: len(got)]).max() < 1e-12


def test_clauses_folded_at_once_are_each_clause_tokenised_alone(
    reports: list[RoutableReport],
) -> None:
    for text in (t for r in reports for t in (r.title, r.text)):
        assert segments(text) == clause_by_clause(text)
        assert [word for clause in segments(text) for word in clause] == tokens(text)
