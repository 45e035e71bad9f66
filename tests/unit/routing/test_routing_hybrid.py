"""The router the service and `lapor route` share: rules, model, category, location, triage."""

from __future__ import annotations

import pytest

from routing.adapters.artefact import load_model
from routing.adapters.hybrid_router import HybridRouter
from routing.domain.router import RoutableReport

ROADS_AND_PIPE = (
    "Jalan di gang kami berlubang besar dan aspalnya hancur, sudah banyak yang jatuh. "
    "Di ujung gang juga ada pipa PDAM bocor"
)


@pytest.fixture(scope="module")
def router() -> HybridRouter:
    return HybridRouter(load_model())


def route(router: HybridRouter, text: str, **fields: str | None) -> object:
    return router.route(RoutableReport(fields.pop("title", None) or "", text, **fields))


def test_a_phrase_only_one_body_answers_for_decides_by_rule(router: HybridRouter) -> None:
    decision = router.route(RoutableReport("", "token listrik tidak bisa dimasukkan ke meteran"))
    assert (decision.code, decision.method) == ("PLN-UID-KALSELTENG", "rule")


def test_a_report_without_decisive_phrases_is_decided_by_the_model(router: HybridRouter) -> None:
    decision = router.route(RoutableReport("", "ulun kada kawa mandi, keran kering dari subuh"))
    assert (decision.code, decision.method) == ("PDAM", "model")


def test_a_kelurahan_service_goes_to_the_kecamatan_of_the_location(router: HybridRouter) -> None:
    text = "pegawai kelurahan menyuruh kami datang lagi besok untuk surat pengantar"
    north = router.route(RoutableReport("", text, "Banjarmasin Utara"))
    south = router.route(RoutableReport("", text, None, "Kelayan Dalam"))
    assert (north.code, north.method) == ("KEC-UTARA", "location")
    assert (south.code, south.method) == ("KEC-SELATAN", "location")


def test_the_citizens_category_is_a_strong_hint(router: HybridRouter) -> None:
    text = "sudah seminggu tidak ada perbaikan, warga resah"
    hinted = router.route(RoutableReport("", text, category="lampu-jalan"))
    plain = router.route(RoutableReport("", text))
    assert (hinted.code, plain.code != "DISPERKIM") == ("DISPERKIM", True)


def test_unsure_report_goes_to_triage_but_still_names_the_best_body(router: HybridRouter) -> None:
    decision = router.route(RoutableReport("", "mohon diperhatikan, sudah lama begini terus"))
    assert decision.triage and decision.needs_triage
    assert decision.code and decision.confidence < router.threshold
    assert decision.also == ()


def test_a_strict_threshold_sends_more_to_triage(router: HybridRouter) -> None:
    strict = HybridRouter(load_model(), threshold=0.9999)
    texts = ("air keruh dan bau", "pohon miring", "nyamuk banyak")
    reports = [RoutableReport("", t) for t in texts]
    default = [d.triage for d in router.route_many(reports)]
    assert all(d.triage for d in strict.route_many(reports)) and not all(default)


def test_a_report_needing_two_bodies_names_the_other_in_also(router: HybridRouter) -> None:
    decision = router.route(RoutableReport("", ROADS_AND_PIPE))
    assert {decision.code, *decision.also} == {"DPUPR", "PDAM"}
    assert len(decision.also) == 1


def test_a_single_topic_report_has_no_also(router: HybridRouter) -> None:
    decision = router.route(RoutableReport("", "jalan rusak dan berlubang, sudah ada yang jatuh"))
    assert decision.also == ()


def test_confidence_is_a_probability_and_candidates_are_ranked(router: HybridRouter) -> None:
    decision = router.route(RoutableReport("Sampah", "sampah menumpuk di TPS sudah 3 hari 😡"))
    assert 0 <= decision.confidence <= 1
    scores = [c.score for c in decision.candidates]
    assert scores == sorted(scores, reverse=True) and decision.candidates[0].code == "DLH"


def test_routing_many_reports_at_once_decides_each_as_alone(router: HybridRouter) -> None:
    reports = [
        RoutableReport("", ROADS_AND_PIPE),
        RoutableReport("Lampu jalan", "PJU mati", "Banjarmasin Barat"),
        RoutableReport("", "LAPOR#Kuin Utara#surat pengantar di kantor lurah lama"),
    ]
    assert router.route_many(reports) == [router.route(r) for r in reports]
