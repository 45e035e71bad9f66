"""The SKPD desk: a body's move over HTTP is checked against the case, then sent as a message.

The move is not applied here: it goes onto the body's actions topic, the same path a body's
own system uses, and the consumer applies it. Checking it first lets the desk answer 409/403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared import contracts as c
from shared.directory import by_code
from tracking.application.views import CaseViews, ReportNotFound
from tracking.domain.case import Case
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.errors import NotDisposedToBody
from tracking.domain.values import Cause


class UnknownBody(Exception):
    """No body in the directory has this code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no body with code {code!r} in the directory")


class NotYourReport(Exception):
    """The report is disposed to another body."""


class IncompleteAction(ValueError):
    """The action lacks a field it needs (text, resolution_days)."""


@dataclass(frozen=True)
class Move:
    """What the desk asks for: the action name and its fields."""

    action: str
    text: str | None = None
    suggested_code: str | None = None
    resolution_days: int | None = None
    assignee: str | None = None


def check_body(code: str) -> None:
    """A desk exists only for a body of the directory."""
    if code not in by_code():
        raise UnknownBody(code)


def prepare(
    views: CaseViews,
    load: Callable[[Any], Case],
    deadlines: DeadlinePolicy,
    code: str,
    tracking_id: str,
    move: Move,
    actor: c.Actor,
    now: datetime,
) -> c.SkpdAction:
    """The action message, once the case has accepted the move in a dry run."""
    check_body(code)
    view = views.by_tracking_id(tracking_id.strip().upper())
    if view is None:
        raise ReportNotFound(tracking_id)
    ids = {"report_id": view.report_id, "tracking_id": view.tracking_id, "occurred_at": now}
    action = _message(move, code, actor, ids)
    case = load(view.report_id)
    try:
        _DRY_RUN[move.action](case, Cause(str(action.event_id), now), action, deadlines)
    except NotDisposedToBody as error:
        holders = {case.skpd_code, *case.also} - {None}
        if holders and code not in holders:
            raise NotYourReport(str(error)) from error
        raise
    return action


def _need(value: Any, name: str, action: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise IncompleteAction(f"{name} is required for {action}")
    return value


def _message(move: Move, code: str, actor: c.Actor, ids: dict[str, Any]) -> c.SkpdAction:
    common = {**ids, "skpd_code": code, "actor": actor}
    if move.action == "acknowledge":
        return c.Acknowledge(**common)
    if move.action == "follow-up":
        return c.PostFollowUp(**common, text=_need(move.text, "text", move.action))
    if move.action == "resolve":
        return c.Resolve(**common, text=_need(move.text, "text", move.action))
    if move.action == "not-competent":
        reason = _need(move.text, "text", move.action)
        return c.RejectNotCompetent(**common, reason=reason, suggested_code=move.suggested_code)
    if move.action == "assign":
        return c.Assign(**common, assignee=_need(move.assignee, "assignee", move.action))
    days = _need(move.resolution_days, "resolution_days", move.action)
    return c.Classify(**common, resolution_days=days, text=move.text or "")


# The dry runs need no person: who acts changes no rule.
def _acknowledge(case: Case, cause: Cause, a: Any, d: DeadlinePolicy) -> None:
    case.acknowledge(cause, a.skpd_code)


def _follow_up(case: Case, cause: Cause, a: Any, d: DeadlinePolicy) -> None:
    case.post_follow_up(cause, a.skpd_code, a.text, d)


def _resolve(case: Case, cause: Cause, a: Any, d: DeadlinePolicy) -> None:
    case.resolve(cause, a.skpd_code, a.text, d)


def _not_competent(case: Case, cause: Cause, a: Any, d: DeadlinePolicy) -> None:
    case.return_to_routing(cause, a.skpd_code, a.reason, d, a.suggested_code)


def _classify(case: Case, cause: Cause, a: Any, d: DeadlinePolicy) -> None:
    case.classify(cause, a.skpd_code, a.resolution_days, d)


def _assign(case: Case, cause: Cause, a: Any, d: DeadlinePolicy) -> None:
    case.assign(cause, a.skpd_code, a.assignee)


_DRY_RUN: dict[str, Callable[[Case, Cause, Any, DeadlinePolicy], None]] = {
    "acknowledge": _acknowledge,
    "follow-up": _follow_up,
    "resolve": _resolve,
    "not-competent": _not_competent,
    "classify": _classify,
    "assign": _assign,
}
