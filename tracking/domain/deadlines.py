"""How long each step may take, in working days, and when to warn before it ends."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from tracking.domain.calendar import NaiveDatetime, add_working_days, working_day_from
from tracking.domain.status import Step


@dataclass(frozen=True)
class Deadline:
    """One step's limit and the moment to warn that it is near."""

    step: str
    due_at: datetime
    warn_at: datetime


def restarts(deadline: Deadline | None, step: str | None, due_at: datetime | None) -> bool:
    """Whether `deadline` replaces the one of `step` due at `due_at` (another step or moment).

    A deadline that restarts is neither warned, missed nor escalated yet; the same one keeps
    its warnings.
    """
    if deadline is None:
        return (step, due_at) != (None, None)
    return (deadline.step, deadline.due_at) != (step, due_at)


@dataclass(frozen=True)
class DeadlinePolicy:
    """Working-day limits per step on one holiday calendar, in one time zone."""

    holidays: Container[date]
    zone: tzinfo
    verify_days: int
    follow_up_days: int
    resolve_days: int
    warn_days: int
    reply_days: int = 10
    escalation_grace_days: int = 2
    resolution_classes: tuple[int, ...] = (14, 60)

    def days_for(self, step: Step) -> int:
        """The working days a step may take (resolution: the default class)."""
        return {
            Step.VERIFY: self.verify_days,
            Step.FIRST_FOLLOW_UP: self.follow_up_days,
            Step.RESOLVE: self.resolve_days,
            Step.REPLY: self.reply_days,
        }[step]

    def deadline(self, step: Step, start: datetime, days: int | None = None) -> Deadline:
        """The deadline of a step that starts at `start` (`days` overrides the step's limit).

        The same local time on the due day, and `warn_days` working days before it (what
        `add_working_days` gives from `start`, then from the due moment)."""
        limit = self.days_for(step) if days is None else days
        if start.tzinfo is None:
            raise NaiveDatetime(f"{start.isoformat()} carries no time zone")
        local = start.astimezone(self.zone)
        due_day = working_day_from(local.date(), limit, self.holidays)  # kept per day there
        warn_day = working_day_from(due_day, -self.warn_days, self.holidays)
        clock, zone = local.time(), self.zone
        return Deadline(
            step=step.value,
            due_at=datetime.combine(due_day, clock, tzinfo=zone),
            warn_at=datetime.combine(warn_day, clock, tzinfo=zone),
        )

    def escalation_at(self, due_at: datetime) -> datetime:
        """When a missed deadline escalates: the grace in working days after it."""
        return add_working_days(due_at, self.escalation_grace_days, self.holidays, self.zone)
