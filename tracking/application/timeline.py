"""What the public timeline says about each case event, in Bahasa Indonesia."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from shared.clock import WITA
from shared.directory import by_code
from tracking.application.translate import CONTRACTS
from tracking.domain.case import Case

STEP_NAMES = {
    "verifikasi-disposisi": "verifikasi dan disposisi",
    "tindak-lanjut-pertama": "tindak lanjut pertama",
    "penyelesaian": "penyelesaian",
    "tanggapan": "tanggapan pelapor",
}


# Named tuples, not frozen dataclasses: a replay describes every case event, and a frozen
# dataclass is made field by field through object.__setattr__ (three times the cost).
class Line(NamedTuple):
    """One timeline line: what happened, and the body's own words when there are any."""

    description: str
    detail: str | None = None


class Entry(NamedTuple):
    """A described case event: its public type name and its line."""

    type: str
    line: Line


def describe(event: Any) -> Entry | None:
    """The timeline entry of a case event, or None for events the public does not see."""
    describer = _DESCRIBERS.get(type(event))
    if describer is None:
        return None
    line = describer(event)
    if line is None:
        return None
    published = CONTRACTS.get(type(event))
    return Entry(published.event_type if published else "CaseResumed", line)


def _body(event: Case.Event) -> str:
    """The body that moved, else the one holding the case."""
    if isinstance(event, Case.BodyMove) and event.by.body:
        return _body_name(event.by.body)
    return event.standing.skpd_name or event.standing.skpd_code or "instansi"


def _body_name(code: str) -> str:
    body = by_code().get(code)
    return body.name if body else code


def _wita(moment: datetime) -> str:
    return moment.astimezone(WITA).strftime("%d-%m-%Y %H:%M WITA")


def _step(step: str) -> str:
    return STEP_NAMES.get(step, step)


def _accepted(event: Case.Accepted) -> Line | None:
    return Line("Laporan dilanjutkan setelah ditinjau petugas") if event.resumed else None


def _disposed(event: Case.Disposed) -> Line:
    if event.previous_skpd_code:
        return Line(f"Laporan didisposisikan ulang ke {_body(event)}")
    return Line(f"Laporan didisposisikan ke {_body(event)}")


def _returned(event: Case.Returned) -> Line:
    return Line(
        f"{_body(event)} menyatakan laporan bukan wewenangnya; laporan menunggu disposisi ulang"
    )


def _escalated(event: Case.Escalated) -> Line:
    if event.overdue_step:
        return Line(f"Laporan dieskalasi: batas waktu {_step(event.overdue_step)} terlewati")
    if event.moved:
        return Line(f"Laporan dieskalasi ke {_body(event)}")
    return Line("Laporan dieskalasi ke pimpinan")


def _closed(event: Case.Closed) -> Line:
    if event.reason == "dinilai pelapor":
        return Line("Laporan ditutup setelah dinilai pelapor")
    return Line("Laporan ditutup karena tidak ada tanggapan pelapor")


# A status question changes nothing: the public timeline leaves it out.
_DESCRIBERS: dict[type[Case.Event], Callable[[Any], Line | None]] = {
    Case.Opened: lambda e: Line("Laporan diterima"),
    Case.Accepted: _accepted,
    Case.Held: lambda e: Line("Laporan ditunda untuk ditinjau petugas"),
    Case.Archived: lambda e: Line("Laporan diarsipkan"),
    Case.LinkedAsDuplicate: lambda e: Line(
        f"Laporan digabungkan dengan laporan {e.duplicate_of_tracking_id}"
    ),
    Case.AwaitingTriage: lambda e: Line("Laporan menunggu disposisi oleh admin"),
    Case.Disposed: _disposed,
    Case.Escalated: _escalated,
    Case.Acknowledged: lambda e: Line(f"Laporan sedang diproses oleh {_body(e)}"),
    Case.FollowUpPosted: lambda e: Line(f"Tindak lanjut dari {_body(e)}", e.text),
    Case.Resolved: lambda e: Line(f"Laporan diselesaikan oleh {_body(e)}", e.text),
    Case.Returned: _returned,
    Case.Classified: lambda e: Line(
        f"Laporan digolongkan: penyelesaian {e.resolution_days} hari kerja"
    ),
    Case.ReporterReplied: lambda e: Line("Pelapor menanggapi", e.text),
    Case.Rated: lambda e: Line(f"Pelapor memberi nilai {e.rating} dari 5"),
    Case.Reopened: lambda e: Line("Laporan dibuka kembali setelah tanggapan pelapor"),
    Case.Closed: _closed,
    Case.DeadlineApproaching: lambda e: Line(
        f"Batas waktu {_step(e.step)} segera berakhir ({_wita(e.due_at)})"
    ),
    Case.DeadlineMissed: lambda e: Line(
        f"Batas waktu {_step(e.step)} terlewati ({_wita(e.due_at)})"
    ),
    # Moderation: what happened, never who (the moderation queue names the admin).
    Case.Hidden: lambda e: Line("Laporan disembunyikan dari publik untuk ditinjau"),
    Case.Shown: lambda e: Line("Laporan ditampilkan kembali untuk publik setelah ditinjau"),
    Case.Corrected: lambda e: Line("Judul dan isi laporan untuk publik dikoreksi admin"),
}
