"""The lexicon is data: it loads, names known bodies; a new phrase or body is a data change."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.adapters.keyword_router import KeywordRouter, compile_rules
from routing.adapters.lexicon import AREA, LexiconError, read_lexicon
from routing.application.bodies import BodyDirectory
from routing.domain.router import RoutableReport
from shared.directory import body_codes

KNOWN = frozenset(body_codes())


def test_lexicon_loads_a_weighted_phrase_list_for_every_routable_body() -> None:
    table = read_lexicon(known=KNOWN)
    city_bodies = {code for code in KNOWN if not code.startswith("KEC-")}
    assert city_bodies <= set(table)  # kecamatan offices share the KECAMATAN entry
    assert AREA in table
    assert all(weight in (0.0, 1.0, 3.0, 5.0, 7.0) for tiers in table.values() for weight in tiers)


def test_a_phrase_added_to_a_lexicon_file_routes_without_code_changes(tmp_path: Path) -> None:
    text = "air di kolam ikan pemkot penuh lumut hijau"
    assert KeywordRouter().route(RoutableReport("", text)).code != "DKP3"
    path = tmp_path / "lexicon.csv"
    path.write_text("code,weight,phrases\nDKP3,5,kolam ikan; lumut hijau\n", encoding="utf-8")
    router = KeywordRouter(compile_rules(read_lexicon(path, known=KNOWN)))
    assert router.route(RoutableReport("", text)).code == "DKP3"


def test_a_new_body_in_the_directory_can_receive_reports(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.csv"
    path.write_text("code,weight,phrases\nDINAS-BARU,5,perahu naga\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="DINAS-BARU"):
        read_lexicon(path, known=KNOWN)
    table = read_lexicon(path, known=KNOWN | {"DINAS-BARU"})
    decision = KeywordRouter(compile_rules(table)).route(RoutableReport("", "lomba perahu naga"))
    assert decision.code == "DINAS-BARU"
    bodies = BodyDirectory({"DINAS-BARU": "Dinas Baru", "SETDA-HUMAS": "Admin"}, "SETDA-HUMAS")
    assert bodies.name("DINAS-BARU") == "Dinas Baru"
    assert "DINAS-BARU" in bodies.routable


def test_a_row_with_a_bad_weight_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.csv"
    path.write_text("code,weight,phrases\nPDAM,lima,air mati\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="line 2"):
        read_lexicon(path)


def test_escalation_goes_to_the_parent_then_to_the_city_admin() -> None:
    bodies = BodyDirectory.from_shared("SETDA-HUMAS")
    assert bodies.escalation_target(["RSUD"]) == "DINKES"
    assert bodies.escalation_target(["KEC-UTARA", "DPUPR"]) == "BAGIAN-PEMERINTAHAN"
    assert bodies.escalation_target(["PDAM"]) == "SETDA-HUMAS"
    assert bodies.escalation_target(["RSUD", "DINKES"]) == "SETDA-HUMAS"
