"""The analysts' figures, computed from each case's facts at one moment (pure functions)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from shared.clock import WITA
from tracking.domain.status import AGENCY_STEPS, Status

OPEN_STATUSES = frozenset(
    {Status.BELUM_TERVERIFIKASI, Status.BELUM_DITINDAKLANJUTI, Status.SEDANG_DIPROSES,
     Status.TERTUNDA}
)  # fmt: skip


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case, as it stood at one moment."""

    report_id: UUID
    status: str
    channel: str
    kind: str
    kecamatan: str | None
    received_at: datetime
    skpd_code: str | None = None
    skpd_name: str | None = None
    deadline_step: str | None = None
    due_at: datetime | None = None
    disposed_at: datetime | None = None
    first_follow_up_at: datetime | None = None
    resolved_on_time: bool | None = None
    escalations: int = 0

    def overdue(self, now: datetime) -> bool:
        """An open case whose body's (or the admin's) deadline has passed."""
        late = self.due_at is not None and self.due_at < now
        return late and self.status in OPEN_STATUSES and self.deadline_step in AGENCY_STEPS


@dataclass(frozen=True)
class StatsFilter:
    """Which cases count: receipt dates in WITA, body, place, channel, kind; and when."""

    from_date: date | None = None
    to_date: date | None = None
    skpd: str | None = None
    kecamatan: str | None = None
    channel: str | None = None
    kind: str | None = None
    as_of: datetime | None = None

    def admits(self, facts: CaseFacts) -> bool:
        """Whether a case is counted under this filter."""
        day = facts.received_at.astimezone(WITA).date()
        checks = (
            self.from_date is None or day >= self.from_date,
            self.to_date is None or day <= self.to_date,
            self.skpd is None or facts.skpd_code == self.skpd,
            self.kecamatan is None or _same(facts.kecamatan, self.kecamatan),
            self.channel is None or facts.channel == self.channel,
            self.kind is None or facts.kind == self.kind,
        )
        return all(checks)


@dataclass(frozen=True)
class BodyStats:
    """One body's figures over the cases disposed to it as primary body."""

    code: str
    name: str
    received: int
    resolved: int
    in_progress: int
    overdue: int = 0
    escalated: int = 0
    median_hours_to_first_follow_up: float | None = None
    resolved_within_deadline_pct: float | None = None


@dataclass(frozen=True)
class Stats:
    """Counts per status bucket, body, channel, kind, kecamatan and ISO week."""

    total: int
    by_status: dict[str, int]
    received: int
    resolved: int
    in_progress: int
    by_skpd: tuple[BodyStats, ...]
    overdue: int = 0
    escalated: int = 0
    by_channel: dict[str, int] | None = None
    by_kind: dict[str, int] | None = None
    by_kecamatan: dict[str, int] | None = None
    by_week: dict[str, int] | None = None


def iso_week(moment: datetime) -> str:
    """The ISO week of a moment in WITA, like `2026-W48`."""
    year, week, _ = moment.astimezone(WITA).isocalendar()
    return f"{year}-W{week:02d}"


def compute(facts: Iterable[CaseFacts], now: datetime, names: Mapping[str, str]) -> Stats:
    """The figures of the given cases at `now` (bodies named from the directory)."""
    rows = list(facts)
    bodies = _bodies(rows, now, names)
    return Stats(
        total=len(rows),
        by_status={b.value: sum(1 for r in rows if r.status == b.value) for b in Status},
        received=sum(b.received for b in bodies),
        resolved=sum(b.resolved for b in bodies),
        in_progress=sum(b.in_progress for b in bodies),
        by_skpd=bodies,
        overdue=sum(1 for r in rows if r.overdue(now)),
        escalated=sum(1 for r in rows if r.escalations),
        by_channel=_count(rows, lambda r: r.channel),
        by_kind=_count(rows, lambda r: r.kind),
        by_kecamatan=_count(rows, lambda r: r.kecamatan or "tidak diketahui"),
        by_week=_count(rows, lambda r: iso_week(r.received_at)),
    )


def _bodies(
    rows: list[CaseFacts], now: datetime, names: Mapping[str, str]
) -> tuple[BodyStats, ...]:
    held: dict[str, list[CaseFacts]] = {}
    for row in rows:
        if row.skpd_code is not None:
            held.setdefault(row.skpd_code, []).append(row)
    return tuple(
        _body(code, names.get(code) or cases[-1].skpd_name or code, cases, now)
        for code, cases in sorted(held.items())
    )


def _body(code: str, name: str, cases: list[CaseFacts], now: datetime) -> BodyStats:
    resolved = sum(1 for c in cases if c.status == Status.SELESAI.value)
    hours = [
        (c.first_follow_up_at - c.disposed_at).total_seconds() / 3600
        for c in cases
        if c.first_follow_up_at is not None and c.disposed_at is not None
    ]
    judged = [c.resolved_on_time for c in cases if c.status == Status.SELESAI.value]
    judged_known = [on_time for on_time in judged if on_time is not None]
    return BodyStats(
        code=code,
        name=name,
        received=len(cases),
        resolved=resolved,
        in_progress=len(cases) - resolved,
        overdue=sum(1 for c in cases if c.overdue(now)),
        escalated=sum(1 for c in cases if c.escalations),
        median_hours_to_first_follow_up=round(statistics.median(hours), 2) if hours else None,
        resolved_within_deadline_pct=(
            round(100 * sum(judged_known) / len(judged_known), 1) if judged_known else None
        ),
    )


def _count(rows: list[CaseFacts], key: Callable[[CaseFacts], str]) -> dict[str, int]:
    return dict(sorted(Counter(key(row) for row in rows).items()))


def _same(a: str | None, b: str) -> bool:
    return a is not None and a.strip().casefold() == b.strip().casefold()
