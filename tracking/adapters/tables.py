"""The case read model's tables (SQLAlchemy 2); a change here needs a migration (`migrations/`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("report_id", Uuid, primary_key=True),
    # Not unique on purpose: a clash must not stop the projector for every other report.
    Column("tracking_id", String(32), nullable=False, index=True),
    Column("status", String(64), nullable=False, index=True),
    Column("skpd_code", String(40), index=True),
    Column("skpd_name", String(300)),
    Column("kind", String(40), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("rahasia", Boolean, nullable=False),
    Column("anonim", Boolean, nullable=False),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("kecamatan", String(200)),
    Column("kelurahan", String(200)),
    Column("address", String(500)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("received_at", UTCDateTime, nullable=False),
    Column("disposed_at", UTCDateTime),
    Column("resolved_at", UTCDateTime),
    Column("deadline_step", String(40)),
    Column("due_at", UTCDateTime, index=True),
    Column("warn_at", UTCDateTime, index=True),
    Column("deadline_warned", Boolean, nullable=False),
    Column("deadline_missed", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

timeline = Table(
    "timeline",
    metadata,
    Column("report_id", Uuid, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("event_type", String(40), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("detail", Text),
)

projection_position = Table(
    "projection_position",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
)
