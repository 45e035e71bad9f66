"""The contact table: one row per contact digest (never the contact), in intake's own database.

Times are stored as epoch seconds so that SQLite and PostgreSQL compare them alike. The daily
count is taken with one conditional UPDATE, so replicas never let a contact past its cap.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    create_engine,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from intake.domain.contacts import ContactState

metadata = MetaData()
contacts = Table(
    "intake_contacts",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("confirmed", Boolean, nullable=False, default=False),
    Column("opted_out_at", Float, nullable=True),
    Column("opted_in_at", Float, nullable=True),
    Column("day", String(10), nullable=False, default=""),
    Column("sent", Integer, nullable=False, default=0),
)


def _moment(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


class MemoryContacts:
    """Contacts in a dict (unit tests, in-memory persistence)."""

    def __init__(self) -> None:
        self._rows: dict[str, ContactState] = {}
        self._lock = threading.Lock()

    def state(self, digest: str) -> ContactState:
        return self._rows.get(digest, ContactState())

    def _change(self, digests: Collection[str], **values: Any) -> None:
        with self._lock:
            for digest in digests:
                self._rows[digest] = replace(self.state(digest), **values)

    def confirm(self, digests: Collection[str], at: datetime) -> None:
        self._change(digests, confirmed=True)

    def opt_out(self, digests: Collection[str], at: datetime) -> None:
        for digest in digests:
            if (self.state(digest).opted_out_at or at) <= at:
                self._change([digest], opted_out_at=at)

    def opt_in(self, digests: Collection[str], at: datetime) -> None:
        for digest in digests:
            if (self.state(digest).opted_in_at or at) <= at:
                self._change([digest], opted_in_at=at)

    def take(self, digest: str, day: str, cap: int) -> bool:
        with self._lock:
            state = self.state(digest)
            if state.sent_on(day) >= cap:
                return False
            self._rows[digest] = replace(state, day=day, sent=state.sent_on(day) + 1)
            return True


class SqlContacts:
    """Contacts in intake's database (SQLite file or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self._engine: Engine = create_engine(url, pool_pre_ping=True)
        metadata.create_all(self._engine)
        # made once: SQLAlchemy compiles a statement object once, and a batch confirms (one
        # statement for its digests; each made and compiled per batch cost 2 % of intake)
        insert = (postgresql if self._engine.dialect.name == "postgresql" else sqlite).insert
        self._ensured = insert(contacts).on_conflict_do_nothing(index_elements=["digest"])
        self._confirmed = insert(contacts).on_conflict_do_update(
            index_elements=["digest"], set_={"confirmed": True}
        )

    def state(self, digest: str) -> ContactState:
        with self._engine.connect() as conn:
            row = conn.execute(select(contacts).where(contacts.c.digest == digest)).first()
        if row is None:
            return ContactState()
        return ContactState(
            confirmed=bool(row.confirmed),
            opted_out_at=_moment(row.opted_out_at),
            opted_in_at=_moment(row.opted_in_at),
            day=row.day,
            sent=row.sent,
        )

    def _ensure(self, conn: Connection, digests: Collection[str]) -> None:
        rows = [{"digest": d, "confirmed": False, "day": "", "sent": 0} for d in digests]
        if rows:
            conn.execute(self._ensured, rows)

    def confirm(self, digests: Collection[str], at: datetime) -> None:
        """Each contact confirmed, its row made if it had none (one upsert, each digest once:
        a statement of many rows may change a row only once)."""
        rows = [
            {"digest": d, "confirmed": True, "day": "", "sent": 0} for d in dict.fromkeys(digests)
        ]
        if rows:
            with self._engine.begin() as conn:
                conn.execute(self._confirmed, rows)

    def _latest(self, column: Column[Any], digests: Collection[str], at: datetime) -> None:
        """Keep the latest time: a STOP and a MULAI may be read out of order."""
        moment = at.timestamp()
        with self._engine.begin() as conn:
            self._ensure(conn, digests)
            conn.execute(
                update(contacts)
                .where(contacts.c.digest.in_(list(digests)))
                .where(or_(column.is_(None), column < moment))
                .values({column.name: moment})
            )

    def opt_out(self, digests: Collection[str], at: datetime) -> None:
        self._latest(contacts.c.opted_out_at, digests, at)

    def opt_in(self, digests: Collection[str], at: datetime) -> None:
        self._latest(contacts.c.opted_in_at, digests, at)

    def take(self, digest: str, day: str, cap: int) -> bool:
        today = contacts.c.day == day
        with self._engine.begin() as conn:
            self._ensure(conn, [digest])
            counted = conn.execute(
                update(contacts)
                .where(contacts.c.digest == digest)
                .where(or_(contacts.c.day != day, and_(today, contacts.c.sent < cap)))
                .values(sent=case((today, contacts.c.sent + 1), else_=1), day=day)
            )
        return counted.rowcount == 1

    def close(self) -> None:
        self._engine.dispose()
