"""The adapter's own small store: each contact's last message, and which wamid carries which
notification (SQLite under the state folder, or its own PostgreSQL database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shared.db import ensure_database
from shared.settings import CommonSettings

SERVICE = "whatsapp_adapter"
metadata = sa.MetaData()

contacts = sa.Table(
    "whatsapp_contacts",
    metadata,
    sa.Column("wa_id", sa.String(20), primary_key=True),
    sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=False),
)

sent = sa.Table(
    "whatsapp_sent",
    metadata,
    sa.Column("wamid", sa.String(200), primary_key=True),
    sa.Column("notification_id", sa.String(36), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("notification_id", "attempt", name="whatsapp_sent_once"),
)


@dataclass(frozen=True)
class Sent:
    """One message the Graph API accepted: the notification and try it carries."""

    wamid: str
    notification_id: UUID
    attempt: int
    kind: str


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class WhatsAppStore:
    """Short transactions on two tables; safe to call from worker threads."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        metadata.create_all(engine)

    def saw_contact(self, wa_id: str, at: datetime) -> None:
        """The contact wrote at `at` (the window counts from their latest message)."""
        with self._engine.begin() as conn:
            done = conn.execute(
                sa.update(contacts)
                .where(contacts.c.wa_id == wa_id, contacts.c.last_inbound_at < at)
                .values(last_inbound_at=at)
            )
            if done.rowcount:
                return
            known = conn.execute(sa.select(contacts.c.wa_id).where(contacts.c.wa_id == wa_id))
            if known.first() is None:
                conn.execute(sa.insert(contacts).values(wa_id=wa_id, last_inbound_at=at))

    def last_inbound(self, wa_id: str) -> datetime | None:
        """When the contact last wrote, if ever."""
        with self._engine.connect() as conn:
            found = conn.execute(
                sa.select(contacts.c.last_inbound_at).where(contacts.c.wa_id == wa_id)
            ).scalar_one_or_none()
        return _aware(found) if found else None

    def record_sent(self, item: Sent, at: datetime) -> bool:
        """Remember the wamid of a sent try; False when this try was recorded already."""
        row = {
            "wamid": item.wamid,
            "notification_id": str(item.notification_id),
            "attempt": item.attempt,
            "kind": item.kind,
            "sent_at": at,
        }
        try:
            with self._engine.begin() as conn:
                conn.execute(sa.insert(sent).values(**row))
        except IntegrityError:
            return False
        return True

    def sent_try(self, notification_id: UUID, attempt: int) -> Sent | None:
        """The message already sent for this try of a notification, if any."""
        query = sa.select(sent).where(
            sent.c.notification_id == str(notification_id), sent.c.attempt == attempt
        )
        return self._one(query)

    def by_wamid(self, wamid: str) -> Sent | None:
        """The notification a wamid carries, if the adapter sent it."""
        return self._one(sa.select(sent).where(sent.c.wamid == wamid))

    def _one(self, query: sa.Select[tuple[object, ...]]) -> Sent | None:
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        return Sent(row["wamid"], UUID(row["notification_id"]), row["attempt"], row["kind"])


def store_for(common: CommonSettings) -> WhatsAppStore:
    """Its own PostgreSQL database when LAPOR_DATABASE_URL is set, else a SQLite file."""
    if common.database_url:
        ensure_database(common.database_url, common.database_name(SERVICE))
        return WhatsAppStore(sa.create_engine(common.read_model_url(SERVICE), pool_pre_ping=True))
    common.ensure_state_dir()
    path = common.state_dir.resolve() / "whatsapp-adapter.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 10})
    return WhatsAppStore(engine)
