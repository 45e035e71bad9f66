"""Stored domain events -> the integration events routing publishes (read by the relay)."""

from __future__ import annotations

from functools import singledispatch
from typing import Any
from uuid import UUID

from routing.domain.disposition import Disposition
from shared import topics
from shared.contracts import (
    ReportAwaitingTriage,
    ReportDisposed,
    ReportEscalated,
    ReportRedisposed,
    ReportRouted,
)
from shared.messaging.relay import Outgoing
from shared.processing import derived_id
from shared.text import recorded


@singledispatch
def translate(domain_event: object) -> list[Outgoing]:
    """Integration events of one stored domain event; most stay inside routing."""
    return []


@translate.register(Disposition.Routed)
@translate.register(Disposition.Disposed)
def _disposed(event: Disposition.Disposed | Disposition.Routed) -> list[Outgoing]:
    disposed = recorded(
        ReportDisposed,
        **_header(event),
        skpd_code=event.skpd_code,
        skpd_name=event.skpd_name,
        method=event.method,
        confidence=event.confidence,
        reason=event.reason,
        also=tuple(event.also),
        actor=_actor(event),
    )
    bodies = [event.skpd_code, *event.also]
    return [
        Outgoing(topics.DISPOSITIONS, str(event.report_id), disposed),
        *(_routed(event, code, event.content, index) for index, code in enumerate(bodies, 1)),
    ]


@translate.register
def _(event: Disposition.Escalated) -> list[Outgoing]:
    escalated = recorded(
        ReportEscalated,
        **_header(event),
        reason=event.reason,
        skpd_code=event.skpd_code,
        skpd_name=event.skpd_name,
        rejected_by=tuple(event.rejected_by),
    )
    outgoing = [Outgoing(topics.DISPOSITIONS, str(event.report_id), escalated)]
    if not event.awaiting:
        outgoing.append(_routed(event, event.skpd_code, event.content))
    return outgoing


@translate.register
def _(event: Disposition.Redisposed) -> list[Outgoing]:
    redisposed = recorded(
        ReportRedisposed,
        **_header(event),
        from_code=event.from_code,
        skpd_code=event.skpd_code,
        skpd_name=event.skpd_name,
        method=event.method,
        reason=event.reason,
        actor=_actor(event),
    )
    return [
        Outgoing(topics.DISPOSITIONS, str(event.report_id), redisposed),
        _routed(event, event.skpd_code, event.content),
    ]


@translate.register(Disposition.Triaged)
@translate.register(Disposition.SentToTriage)
def _awaiting(event: Disposition.SentToTriage | Disposition.Triaged) -> list[Outgoing]:
    awaiting = recorded(
        ReportAwaitingTriage,
        **_header(event),
        reason=event.reason,
        candidates=[{"code": c["code"], "score": c["score"]} for c in event.candidates],
    )
    return [Outgoing(topics.DISPOSITIONS, str(event.report_id), awaiting)]


def _actor(
    event: Disposition.Disposed | Disposition.Routed | Disposition.Redisposed,
) -> dict[str, Any] | None:
    """The admin who disposed by hand (a `Routed` event is the router's own decision)."""
    stored = getattr(event, "actor", None)
    return dict(stored) if stored else None


def _routed(
    event: Disposition.Disposed
    | Disposition.Routed
    | Disposition.Redisposed
    | Disposition.Escalated,
    code: str,
    content: dict[str, Any],
    index: int = 1,
) -> Outgoing:
    """What the body sees on its own topic: the report, never the reporter (rahasia or not)."""
    routed = recorded(
        ReportRouted,
        event_id=_event_id(event, index),
        occurred_at=event.at,
        report_id=event.report_id,
        tracking_id=event.tracking_id,
        skpd_code=code,
        title=content["title"],
        text=content["text"],
        kind=content["kind"],
        channel=content["channel"],
        location=content["location"],
        anonim=content["anonim"],
        disposed_at=event.at,
        attachments=tuple(content.get("attachments") or ()),
    )
    return Outgoing(topics.skpd_topic(code), str(event.report_id), routed)


def _header(event: Any) -> dict[str, Any]:
    """The fields every integration event of one stored decision shares."""
    return {
        "event_id": _event_id(event, 0),
        "occurred_at": event.at,
        "report_id": event.report_id,
        "tracking_id": event.tracking_id,
    }


def _event_id(event: Disposition.Event, index: int) -> UUID:
    """The same id every time the relay translates this stored event (a re-send dedupes)."""
    return derived_id(event.originator_id, event.originator_version, index)
