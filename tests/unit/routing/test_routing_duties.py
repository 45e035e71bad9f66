"""Duties over words: who must act follows who employs, who runs, and what the problem is."""

from __future__ import annotations

import pytest

from routing.adapters.artefact import load_router
from routing.adapters.duties import Duties
from routing.adapters.hybrid_router import HybridRouter
from routing.domain.router import RoutableReport


@pytest.fixture(scope="module")
def router() -> HybridRouter:
    return load_router()


@pytest.fixture(scope="module")
def duties() -> Duties:
    return Duties()


def report(text: str, kecamatan: str | None = "Banjarmasin Utara") -> RoutableReport:
    return RoutableReport("", text, kecamatan)


INTEGRITY = [
    ("oknum polisi meminta uang damai waktu razia", "POLRESTA-BJM"),
    ("guru SMA negeri meminta uang supaya anak naik kelas", "PEMPROV-KALSEL"),
    ("staf kelurahan meminta uang supaya surat cepat selesai", "INSPEKTORAT"),
    ("penghulu KUA meminta uang transport di luar biaya resmi", "KEMENAG-BJM"),
]
FEES = [
    ("SMK negeri mewajibkan uang gedung bagi siswa baru", "PEMPROV-KALSEL"),
    ("SD negeri memungut uang komite setiap bulan", "DISDIK"),
    ("pengelola pasar memungut retribusi dua kali sehari", "PDPASAR"),
]


@pytest.mark.parametrize(("text", "body"), INTEGRITY + FEES)
def test_integrity_goes_to_the_employers_inspectorate_and_a_fee_to_who_runs_the_institution(
    duties: Duties, text: str, body: str
) -> None:
    found = duties.find(report(text))
    assert found is not None and found.code == body


def test_a_person_in_need_is_social_affairs_whatever_the_place(router: HybridRouter) -> None:
    decision = router.route(report("ada gelandangan tidur di emperan pasar, kondisinya sakit"))
    assert (decision.code, decision.method, decision.triage) == ("DINSOS", "rule", False)


def test_a_question_about_the_complaint_service_goes_to_the_admin(router: HybridRouter) -> None:
    decision = router.route(report("bagaimana cara cek status laporan saya di aplikasi LAPOR"))
    assert decision.code == "SETDA-HUMAS"


def test_a_place_named_after_a_place_word_is_where_not_what(router: HybridRouter) -> None:
    decision = router.route(report("lampu penerangan jalan di depan SMA negeri mati seminggu"))
    assert decision.code == "DISPERKIM"
    assert router.route(report("atap ruang kelas SMA negeri bocor")).code == "PEMPROV-KALSEL"


def test_no_duty_without_every_part(duties: Duties) -> None:
    assert duties.find(report("guru SMA negeri sering terlambat masuk kelas")) is None
    assert duties.find(report("pohon tumbang di depan SD negeri, pungutan liar juga ada")) is None
