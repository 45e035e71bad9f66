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
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
    func,
    literal,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeEngine


class _SQLiteText(sqlite.DATETIME):
    """SQLite's DATETIME column, fed text already in its format (see `UTCDateTime`)."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out (SQLite keeps naive UTC text).

    On SQLite the text is the one SQLAlchemy's DATETIME writes (`2024-08-12 01:00:00.000000`),
    made here by the C `isoformat` (bulk writes convert many).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLiteText())
        return super().load_dialect_impl(dialect)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None).isoformat(" ", "microseconds")
        return utc

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
    # Added in 0002: the whole case life and the analysts' figures.
    Column("also_codes", String(400), nullable=False, default=""),
    Column("category", String(40)),
    Column("attachments", Text, nullable=False, default="[]"),
    Column("first_follow_up_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("resolved_on_time", Boolean),
    Column("resolution_days", Integer),
    Column("rating", Integer),
    Column("escalations", Integer, nullable=False, default=0),
    Column("escalate_at", UTCDateTime),
    Column("deadline_escalated", Boolean, nullable=False, default=False),
    Column("reply_due_at", UTCDateTime, index=True),
    Column("reply_warn_at", UTCDateTime),
    Column("reply_warned", Boolean, nullable=False, default=False),
    # Added in 0004 (issue J): the officer holding the case, and the desk's indexes.
    Column("assignee", String(200)),
    # Covers what the desk's order, count and usual filters read (PostgreSQL: index-only).
    Index(
        "ix_cases_desk", "skpd_code", "due_at",
        postgresql_include=["also_codes", "status", "deadline_step", "received_at",
                            "tracking_id", "report_id", "assignee", "category", "kecamatan"],
    ),
    Index("ix_cases_desk_assignee", "skpd_code", "assignee"),
    Index(
        "ix_cases_shared", "report_id",
        postgresql_where=text("also_codes <> ''"), sqlite_where=text("also_codes <> ''"),
    ),
    # Added in 0005 (issue I): the public face, masked (corrected when the admin corrected it),
    # and its moderation.
    Column("public_title", String(200), nullable=False, default=""),
    Column("public_text", Text, nullable=False, default=""),
    Column("hidden", Boolean, nullable=False, default=False),
    Column("flags", Integer, nullable=False, default=0),  # distinct public flags since review
    Column("corrected_at", UTCDateTime),
    Column("moderated_at", UTCDateTime),
    Index("ix_cases_public", "rahasia", "hidden", "received_at", "tracking_id"),
)  # fmt: skip

# The desk's text search (`q`, 0006): title and text, lower case, on a trigram index where
# PostgreSQL builds it (SQLite has no index that serves LIKE '%words%', so none there).
# Bracketed as PostgreSQL prints the index, so Alembic finds the migrated one equal to this.
_BETWEEN = literal("\n", literal_execute=True)
SEARCHED_TEXT = func.lower(cases.c.title.op("||")(_BETWEEN.op("||")(cases.c.text)))
Index(
    "ix_cases_search_trgm", SEARCHED_TEXT.label("searched"),
    postgresql_using="gin", postgresql_ops={"searched": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")  # fmt: skip

# What analysts count, after each case event: `as_of` takes each case's last row before it.
HISTORY_COLUMNS = (
    "status",
    "skpd_code",
    "skpd_name",
    "deadline_step",
    "due_at",
    "disposed_at",
    "first_follow_up_at",
    "resolved_at",
    "resolved_on_time",
    "closed_at",
    "escalations",
)

case_history = Table(
    "case_history",
    metadata,
    Column("report_id", Uuid, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("status", String(64), nullable=False),
    Column("skpd_code", String(40)),
    Column("skpd_name", String(300)),
    Column("deadline_step", String(40)),
    Column("due_at", UTCDateTime),
    Column("disposed_at", UTCDateTime),
    Column("first_follow_up_at", UTCDateTime),
    Column("resolved_at", UTCDateTime),
    Column("resolved_on_time", Boolean),
    Column("closed_at", UTCDateTime),
    Column("escalations", Integer, nullable=False),
)

projection_quarantine = Table(
    "projection_quarantine",
    metadata,
    Column("projection", String(100), primary_key=True),
    Column("notification_id", BigInteger, primary_key=True),
    Column("event", String(200), nullable=False),
    Column("error", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
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
# The public updates read a window of moments in this order (0003).
Index("ix_timeline_at", timeline.c.at, timeline.c.report_id, timeline.c.seq)

# Who did what to a report's public face (issue I): the admin's acts and the public's flags.
moderation_acts = Table(
    "moderation_acts",
    metadata,
    Column("report_id", Uuid, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("act", String(20), nullable=False),  # flagged, hidden, shown, corrected
    Column("role", String(60), nullable=False),  # empty: the public
    Column("name", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("flags", Integer, nullable=False),
)

projection_position = Table(
    "projection_position",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
)
