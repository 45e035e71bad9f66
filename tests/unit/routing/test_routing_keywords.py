"""The keyword router: whole words, longest phrase first, triage when unsure."""

from __future__ import annotations

from routing_helpers import STREET_LIGHT

from routing.adapters.keyword_router import KeywordRouter, compile_rules
from routing.adapters.lexicon import AREA
from routing.adapters.text import tokens
from routing.domain.router import RoutableReport
from shared import geography
from shared.directory import body_codes


def route(router: KeywordRouter, text: str, title: str = "", kecamatan: str | None = None):
    return router.route(RoutableReport(title, text, kecamatan))


def test_water_complaint_naming_pdam_goes_to_pdam(router: KeywordRouter) -> None:
    assert route(router, "PDAM kapan datang? sudah lama menunggu").code == "PDAM"


def test_water_complaint_with_only_the_word_air_goes_to_pdam(router: KeywordRouter) -> None:
    assert route(router, "air di rumah kami tidak keluar sejak pagi").code == "PDAM"


def test_street_light_complaint_goes_to_disperkim(router: KeywordRouter) -> None:
    assert route(router, STREET_LIGHT).code == "DISPERKIM"


def test_pairing_is_not_the_word_air(router: KeywordRouter) -> None:
    decision = route(router, "pairing bluetooth di aplikasi gagal terus")
    assert decision.code != "PDAM"
    assert "PDAM" not in [c.code for c in decision.candidates]


def test_traffic_light_goes_to_dishub_not_disperkim(router: KeywordRouter) -> None:
    assert route(router, "lampu lalu lintas di simpang mati sejak pagi").code == "DISHUB"


def test_longer_phrase_hides_the_shorter_one_inside_it(router: KeywordRouter) -> None:
    decision = route(router, "air limbah rumah tangga meluap ke gang")
    assert decision.code == "PDPAL"
    assert "PDAM" not in [c.code for c in decision.candidates]


def test_power_outage_goes_to_pln(router: KeywordRouter) -> None:
    assert route(router, "listrik padam di kelayan dari jam 7 malam").code == "PLN-UID-KALSELTENG"


def test_informal_spelling_is_understood(router: KeywordRouter) -> None:
    assert tokens("air tdk ngalir, jln rusak") == ["air", "tidak", "mengalir", "jalan", "rusak"]
    assert route(router, "air tdk ngalir dr kmrn").reason == "kata kunci: air tidak mengalir"


def test_reason_names_the_matched_keywords(router: KeywordRouter) -> None:
    decision = route(router, "pju mati, lampu jalan gelap total")
    assert decision.reason.startswith("kata kunci:")
    assert "pju" in decision.reason and "lampu jalan" in decision.reason


def test_text_without_keywords_goes_to_triage(router: KeywordRouter) -> None:
    decision = route(router, "tolong diperhatikan, sudah lama begini terus")
    assert decision.needs_triage
    assert decision.candidates == ()
    assert decision.reason == "tidak ada kata kunci yang cocok"


def test_equal_evidence_goes_to_triage_with_both_candidates(router: KeywordRouter) -> None:
    decision = route(router, "jalan berlubang dan lampu jalan mati")
    assert decision.needs_triage
    assert {c.code for c in decision.candidates} == {"DPUPR", "DISPERKIM"}
    assert "seimbang" in decision.reason


def test_keyword_in_the_title_outweighs_one_in_the_text(router: KeywordRouter) -> None:
    decision = route(router, "sampah menumpuk di dekat sini", title="Lampu jalan mati")
    assert decision.code == "DISPERKIM"


def test_confidence_is_between_zero_and_one(router: KeywordRouter) -> None:
    for text in ("air", "pdam air mati pipa bocor meteran air", STREET_LIGHT):
        assert 0 < route(router, text).confidence <= 1


def test_more_evidence_gives_more_confidence(router: KeywordRouter) -> None:
    weak = route(router, "air di rumah")
    strong = route(router, "air pdam mati, meteran air bocor, tagihan air naik")
    assert strong.confidence > weak.confidence


def test_below_the_confidence_threshold_goes_to_triage() -> None:
    strict = KeywordRouter(min_confidence=0.9)
    decision = route(strict, "air di rumah")
    assert decision.needs_triage
    assert [c.code for c in decision.candidates] == ["PDAM"]


def test_kelurahan_service_goes_to_the_kecamatan_of_the_report(router: KeywordRouter) -> None:
    text = "petugas kelurahan lambat membuat surat keterangan"
    assert route(router, text, kecamatan="Banjarmasin Utara").code == "KEC-UTARA"
    assert route(router, text, kecamatan="Banjarmasin Barat").code == "KEC-BARAT"


def test_candidates_are_ranked_shares_of_the_evidence(router: KeywordRouter) -> None:
    decision = route(router, "pdam air mati, sampah juga menumpuk")
    scores = [c.score for c in decision.candidates]
    assert scores == sorted(scores, reverse=True)
    assert abs(sum(scores) - 1) < 0.01


def test_every_rule_points_to_a_body_of_the_directory() -> None:
    known = set(body_codes()) | {AREA}
    assert {r.code for r in compile_rules() if r.code} <= known
    assert set(geography.kecamatan().values()) <= known


def test_no_phrase_points_to_two_bodies() -> None:
    seen: dict[tuple[str, ...], str | None] = {}
    for rule in compile_rules():
        assert seen.setdefault(rule.words, rule.code) == rule.code, rule.words


def test_a_phrase_does_not_run_across_a_comma(router: KeywordRouter) -> None:
    decision = route(router, "pju mati, lampu jalan gelap total")
    assert decision.code == "DISPERKIM"
    assert "PLN-UID-KALSELTENG" not in [c.code for c in decision.candidates]
