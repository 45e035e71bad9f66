"""The status buckets LAPOR! agencies publish, and the steps that carry a deadline."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a case stands, in the words agencies publish."""

    BELUM_TERVERIFIKASI = "Belum Terverifikasi"
    BELUM_DITINDAKLANJUTI = "Terdisposisi: Belum Ditindaklanjuti"
    SEDANG_DIPROSES = "Terdisposisi: Sedang Diproses"
    SELESAI = "Terdisposisi: Selesai"
    TERTUNDA = "Tertunda"
    ARSIP = "Arsip"


DISPOSED = frozenset({Status.BELUM_DITINDAKLANJUTI, Status.SEDANG_DIPROSES, Status.SELESAI})


class Step(StrEnum):
    """A step of the case that has a working-day limit."""

    VERIFY = "verifikasi-disposisi"
    FIRST_FOLLOW_UP = "tindak-lanjut-pertama"
    RESOLVE = "penyelesaian"
    REPLY = "tanggapan"


# The steps a body (or the city's admin) answers for: missing one escalates the case.
AGENCY_STEPS = frozenset({Step.VERIFY, Step.FIRST_FOLLOW_UP, Step.RESOLVE})
