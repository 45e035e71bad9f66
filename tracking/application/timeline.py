"""What the public timeline says about each case event, in Bahasa Indonesia."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.clock import WITA
from shared.directory import by_code
from tracking.application.translate import CASE_EVENTS
from tracking.domain.case import Case

# Timeline types of case events that are not published on `lapor.cases.v1`.
_UNPUBLISHED = {"Accepted": "CaseResumed"}
# Case events the public timeline leaves out (a status question changes nothing).
_NOT_SHOWN = frozenset({"StatusRequested"})

STEP_NAMES = {
    "verifikasi-disposisi": "verifikasi dan disposisi",
    "tindak-lanjut-pertama": "tindak lanjut pertama",
    "penyelesaian": "penyelesaian",
    "tanggapan": "tanggapan pelapor",
}


@dataclass(frozen=True)
class Line:
    """One timeline line: what happened, and the body's own words when there are any."""

    description: str
    detail: str | None = None


@dataclass(frozen=True)
class Entry:
    """A described case event: its public type name and its line."""

    type: str
    line: Line


def describe(event: Any) -> Entry | None:
    """The timeline entry of a case event, or None for events the public does not see."""
    name = type(event).__name__
    describer = _DESCRIBERS.get(name)
    if describer is None or name in _NOT_SHOWN or not isinstance(event, Case.Event):
        return None
    acting = getattr(event, "body", None)
    body = _body_name(acting) if acting else event.skpd_name or event.skpd_code or "instansi"
    line = describer(event, body)
    if line is None:
        return None
    published = CASE_EVENTS.get(name)
    return Entry(published[0].event_type if published else _UNPUBLISHED[name], line)


def _body_name(code: str) -> str:
    body = by_code().get(code)
    return body.name if body else code


def _wita(moment: datetime) -> str:
    return moment.astimezone(WITA).strftime("%d-%m-%Y %H:%M WITA")


def _step(event: Any) -> str:
    return STEP_NAMES.get(event.step, event.step)


def _accepted(event: Any, body: str) -> Line | None:
    return Line("Laporan dilanjutkan setelah ditinjau petugas") if event.resumed else None


def _disposed(event: Any, body: str) -> Line:
    if event.previous_skpd_code:
        return Line(f"Laporan didisposisikan ulang ke {body}")
    return Line(f"Laporan didisposisikan ke {body}")


def _returned(event: Any, body: str) -> Line:
    who = _body_name(event.rejected_by)
    return Line(f"{who} menyatakan laporan bukan wewenangnya; laporan menunggu disposisi ulang")


def _escalated(event: Any, body: str) -> Line:
    step = getattr(event, "overdue_step", None)
    if step:
        return Line(f"Laporan dieskalasi: batas waktu {STEP_NAMES.get(step, step)} terlewati")
    if getattr(event, "moved", False):
        return Line(f"Laporan dieskalasi ke {body}")
    return Line("Laporan dieskalasi ke pimpinan")


def _closed(event: Any, body: str) -> Line:
    if event.reason == "dinilai pelapor":
        return Line("Laporan ditutup setelah dinilai pelapor")
    return Line("Laporan ditutup karena tidak ada tanggapan pelapor")


_DESCRIBERS: dict[str, Any] = {
    "Opened": lambda e, b: Line("Laporan diterima"),
    "Accepted": _accepted,
    "Held": lambda e, b: Line("Laporan ditunda untuk ditinjau petugas"),
    "Archived": lambda e, b: Line("Laporan diarsipkan"),
    "LinkedAsDuplicate": lambda e, b: Line(
        f"Laporan digabungkan dengan laporan {e.duplicate_of_tracking_id}"
    ),
    "AwaitingTriage": lambda e, b: Line("Laporan menunggu disposisi oleh admin"),
    "Disposed": _disposed,
    "Escalated": _escalated,
    "Acknowledged": lambda e, b: Line(f"Laporan sedang diproses oleh {b}"),
    "FollowUpPosted": lambda e, b: Line(f"Tindak lanjut dari {b}", e.text),
    "Resolved": lambda e, b: Line(f"Laporan diselesaikan oleh {b}", e.text),
    "Returned": _returned,
    "Classified": lambda e, b: Line(
        f"Laporan digolongkan: penyelesaian {e.resolution_days} hari kerja"
    ),
    "ReporterReplied": lambda e, b: Line("Pelapor menanggapi", e.text),
    "Rated": lambda e, b: Line(f"Pelapor memberi nilai {e.rating} dari 5"),
    "Reopened": lambda e, b: Line("Laporan dibuka kembali setelah tanggapan pelapor"),
    "Closed": _closed,
    "DeadlineApproaching": lambda e, b: Line(
        f"Batas waktu {_step(e)} segera berakhir ({_wita(e.deadline)})"
    ),
    "DeadlineMissed": lambda e, b: Line(f"Batas waktu {_step(e)} terlewati ({_wita(e.deadline)})"),
}
