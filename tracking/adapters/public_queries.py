"""Reads of the public record (filtered, paged, streamed) and of the admin's moderation queue.

Every public read goes through `_public()`: neither `rahasia` nor hidden, the masked words only,
ordered newest `received_at` first then `tracking_id`, a total order, so that pages put together
give exactly the list. Streams walk the same order by keyset (`received_at`, `tracking_id`),
one chunk per query, so 50,000 reports never sit in memory at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, Select, and_, false, func, or_, select

from tracking.adapters.tables import cases, moderation_acts
from tracking.application.pins import rounded
from tracking.application.public import (
    BoundingBox,
    ModerationAct,
    ModerationItem,
    PublicFilter,
    PublicReport,
)
from tracking.application.views import Page

_NEWEST_FIRST = (cases.c.received_at.desc(), cases.c.tracking_id)
QUEUE_REASONS = ("flagged", "hidden", "pin")


class SqlPublicReports:
    """The public record and the moderation queue, from the case read model."""

    def __init__(self, engine: Engine, city: BoundingBox) -> None:
        self._engine = engine
        self._city = city

    def query(self, query: PublicFilter, page: int, page_size: int) -> Page:
        """One page of public reports under the filters, and how many there are in all."""
        selected = _public(query)
        with self._engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(selected.subquery()))
            rows = conn.execute(
                selected.order_by(*_NEWEST_FIRST).limit(page_size).offset((page - 1) * page_size)
            ).all()
        return Page(tuple(_report(row) for row in rows), int(total or 0))

    def stream(self, query: PublicFilter, chunk: int = 1000) -> Iterator[PublicReport]:
        """Every public report under the filters, newest first, read a chunk at a time."""
        after: tuple[Any, str] | None = None
        while True:
            selected = _public(query)
            if after is not None:
                at, tracking_id = after
                selected = selected.where(
                    or_(
                        cases.c.received_at < at,
                        and_(cases.c.received_at == at, cases.c.tracking_id > tracking_id),
                    )
                )
            with self._engine.connect() as conn:
                rows = conn.execute(selected.order_by(*_NEWEST_FIRST).limit(chunk)).all()
            yield from (_report(row) for row in rows)
            if len(rows) < chunk:
                return
            after = (rows[-1].received_at, rows[-1].tracking_id)

    def moderation(self, reason: str | None, page: int, page_size: int) -> Page:
        """Reports for the admin's review: flagged, hidden, or pinned outside the city."""
        wanted = {
            "flagged": cases.c.flags > 0,
            "hidden": cases.c.hidden,
            "pin": self._outside(),
        }
        condition = wanted[reason] if reason else or_(*wanted.values())
        selected = (
            select(cases)
            .where(cases.c.rahasia == false(), condition)
            .order_by(
                func.coalesce(cases.c.moderated_at, cases.c.received_at).desc(),
                cases.c.tracking_id,
            )
        )
        with self._engine.connect() as conn:
            total = conn.scalar(
                select(func.count()).select_from(selected.order_by(None).subquery())
            )
            rows = conn.execute(selected.limit(page_size).offset((page - 1) * page_size)).all()
            acts = _acts(conn, [row.report_id for row in rows])
        return Page(tuple(self._item(row, acts.get(row.report_id, ())) for row in rows), total or 0)

    def moderation_item(self, tracking_id: str) -> ModerationItem | None:
        """One report as the moderation queue shows it, whatever its state."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(cases).where(cases.c.tracking_id == tracking_id).limit(1)
            ).first()
            if row is None:
                return None
            acts = _acts(conn, [row.report_id])
        return self._item(row, acts.get(row.report_id, ()))

    def _outside(self) -> Any:
        box = self._city
        return and_(
            cases.c.latitude.is_not(None),
            cases.c.longitude.is_not(None),
            or_(
                cases.c.latitude < box.south,
                cases.c.latitude > box.north,
                cases.c.longitude < box.west,
                cases.c.longitude > box.east,
            ),
        )

    def _item(self, row: Any, acts: tuple[ModerationAct, ...]) -> ModerationItem:
        pinned = row.latitude is not None and row.longitude is not None
        return ModerationItem(
            tracking_id=row.tracking_id, title=row.title, text=row.text,
            public_title=row.public_title, public_text=row.public_text, status=row.status,
            received_at=row.received_at, hidden=row.hidden, flags=row.flags,
            pin_outside_city=pinned and not self._city.holds(row.latitude, row.longitude),
            latitude=row.latitude, longitude=row.longitude, corrected_at=row.corrected_at,
            moderated_at=row.moderated_at, acts=acts,
        )  # fmt: skip


def _public(query: PublicFilter) -> Select[Any]:
    """Public reports (neither `rahasia` nor hidden) under the filters, unordered."""
    selected = select(cases).where(cases.c.rahasia == false(), cases.c.hidden == false())
    if query.kecamatan:
        selected = selected.where(func.lower(cases.c.kecamatan) == query.kecamatan.lower())
    if query.skpd:
        selected = selected.where(cases.c.skpd_code == query.skpd.upper())
    if query.statuses:
        selected = selected.where(cases.c.status.in_(query.statuses))
    if query.category:
        selected = selected.where(cases.c.category == query.category)
    if query.q:
        words = query.q.lower()
        selected = selected.where(
            or_(
                func.lower(cases.c.public_title).contains(words, autoescape=True),
                func.lower(cases.c.public_text).contains(words, autoescape=True),
            )
        )
    if query.start is not None:
        selected = selected.where(cases.c.received_at >= query.start)
    if query.end is not None:
        selected = selected.where(cases.c.received_at < query.end)
    return selected


def _acts(conn: Any, report_ids: list[Any]) -> dict[Any, tuple[ModerationAct, ...]]:
    found: dict[Any, list[ModerationAct]] = {}
    if not report_ids:
        return {}
    query = (
        select(moderation_acts)
        .where(moderation_acts.c.report_id.in_(report_ids))
        .order_by(moderation_acts.c.report_id, moderation_acts.c.seq)
    )
    for act in conn.execute(query):
        found.setdefault(act.report_id, []).append(
            ModerationAct(act.act, act.at, act.role, act.name, act.reason, act.flags)
        )
    return {report_id: tuple(items) for report_id, items in found.items()}


def _report(row: Any) -> PublicReport:
    return PublicReport(
        tracking_id=row.tracking_id, title=row.public_title, text=row.public_text,
        kind=row.kind, channel=row.channel, status=row.status, received_at=row.received_at,
        updated_at=row.updated_at, category=row.category, skpd_code=row.skpd_code,
        skpd_name=row.skpd_name, kecamatan=row.kecamatan, kelurahan=row.kelurahan,
        latitude=rounded(row.latitude), longitude=rounded(row.longitude),
        attachments=_attachments(row.attachments),
    )  # fmt: skip


def _attachments(stored: str | None) -> tuple[str, ...]:
    try:
        return tuple(json.loads(stored or "[]"))
    except ValueError:
        return ()
