"""How one stored case event changes the read model's rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, update

from tracking.adapters.tables import cases, timeline
from tracking.application.timeline import describe
from tracking.domain.case import Case


def project(conn: Connection, event: Any) -> None:
    """Write a case event's row changes and its timeline line (other events change nothing)."""
    if not isinstance(event, Case.Event):
        return
    if type(event).__name__ == "Opened":
        conn.execute(insert(cases).values(report_id=event.originator_id, **_opened(event)))
    else:
        values = {**_standing(event), **_moments(event)}
        conn.execute(update(cases).where(cases.c.report_id == event.originator_id).values(values))
    entry = describe(event)
    if entry is not None:
        conn.execute(
            insert(timeline).values(
                report_id=event.originator_id,
                seq=event.originator_version,
                event_type=entry.type,
                at=event.at,  # type: ignore[attr-defined]
                text=entry.line.description,
                detail=entry.line.detail,
            )
        )


def _standing(event: Any) -> dict[str, Any]:
    standing = event.standing
    return {
        "status": standing["status"],
        "skpd_code": standing["skpd_code"],
        "skpd_name": standing["skpd_name"],
        "deadline_step": standing["step"],
        "due_at": standing["due_at"],
        "warn_at": standing["warn_at"],
        "deadline_warned": standing["warned"],
        "deadline_missed": standing["missed"],
        "updated_at": event.at,
    }


def _moments(event: Any) -> dict[str, Any]:
    name = type(event).__name__
    if name == "Disposed":
        return {"disposed_at": event.at}
    if name == "Resolved":
        return {"resolved_at": event.at}
    return {}


def _opened(event: Any) -> dict[str, Any]:
    standing, location = event.standing, event.location
    return {
        **_standing(event),
        "tracking_id": standing["tracking_id"],
        "kind": standing["kind"],
        "channel": standing["channel"],
        "rahasia": standing["rahasia"],
        "anonim": standing["anonim"],
        "title": event.title,
        "text": event.text,
        "kecamatan": location.get("kecamatan"),
        "kelurahan": location.get("kelurahan"),
        "address": location.get("address"),
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        "received_at": event.received_at,
    }
