"""Intake's media store (cleaned photos and thumbnails, once each by media id) and the table that
links photos to reports.

By default the store is a folder under the state directory; with a PostgreSQL server the photos
live in a `bytea` table of intake's database, so every replica serves every photo. The links
table sits beside intake's bookkeeping tables and is written with the report's own events.
"""

from __future__ import annotations

import os
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import Column, LargeBinary, MetaData, String, Table, create_engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from intake.adapters.books import SqlBooks
from intake.application.ports import Books
from intake.domain.photos import CleanPhoto
from shared.processing import Statement
from shared.tables import PostgresDatabase

FULL, THUMB = "full", "thumb"
SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
TYPES = {suffix: content_type for content_type, suffix in SUFFIXES.items()}


def _parts(photo: CleanPhoto) -> dict[str, tuple[bytes, str]]:
    return {FULL: (photo.content, photo.content_type), THUMB: (photo.thumb, photo.thumb_type)}


class MemoryMediaStore:
    """Photos in a dict (unit tests, in-memory persistence)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, media_id: str, photo: CleanPhoto) -> None:
        with self._lock:
            for kind, item in _parts(photo).items():
                self._items.setdefault((media_id, kind), item)

    def get(self, media_id: str, thumb: bool = False) -> tuple[bytes, str] | None:
        return self._items.get((media_id, THUMB if thumb else FULL))

    def delete(self, media_id: str) -> None:
        with self._lock:
            for kind in (FULL, THUMB):
                self._items.pop((media_id, kind), None)

    def __len__(self) -> int:
        return len(self._items)


class FolderMediaStore:
    """Photos as files `<root>/<ab>/<media id>.<kind><suffix>`, each written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, media_id: str) -> Path:
        return self.root / media_id[:2]

    def put(self, media_id: str, photo: CleanPhoto) -> None:
        folder = self._folder(media_id)
        folder.mkdir(parents=True, exist_ok=True)
        for kind, (content, content_type) in _parts(photo).items():
            target = folder / f"{media_id}.{kind}{SUFFIXES[content_type]}"
            if target.exists():
                continue
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, target)

    def get(self, media_id: str, thumb: bool = False) -> tuple[bytes, str] | None:
        kind = THUMB if thumb else FULL
        for path in self._folder(media_id).glob(f"{media_id}.{kind}.*"):
            return path.read_bytes(), TYPES[path.suffix]
        return None

    def delete(self, media_id: str) -> None:
        for path in self._folder(media_id).glob(f"{media_id}.*"):
            path.unlink(missing_ok=True)

    def files(self) -> list[Path]:
        """Every stored file (tests: nothing of a refused photo stays)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file())


metadata = MetaData()
media = Table(
    "intake_media",
    metadata,
    Column("media_id", String(64), primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("content_type", String(40), nullable=False),
    Column("content", LargeBinary, nullable=False),
)


class SqlMediaStore:
    """Photos in a table of intake's database (PostgreSQL `bytea`): every replica sees them."""

    def __init__(self, url: str) -> None:
        self._engine: Engine = create_engine(url, pool_pre_ping=True)
        metadata.create_all(self._engine)

    def put(self, media_id: str, photo: CleanPhoto) -> None:
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        rows = [
            {"media_id": media_id, "kind": kind, "content_type": content_type, "content": content}
            for kind, (content, content_type) in _parts(photo).items()
        ]
        with self._engine.begin() as conn:
            conn.execute(dialect.insert(media).on_conflict_do_nothing(), rows)

    def get(self, media_id: str, thumb: bool = False) -> tuple[bytes, str] | None:
        query = select(media.c.content, media.c.content_type).where(
            media.c.media_id == media_id, media.c.kind == (THUMB if thumb else FULL)
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else (bytes(row.content), row.content_type)

    def delete(self, media_id: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(media).where(media.c.media_id == media_id))

    def count(self) -> int:
        """How many photo parts are stored (tests: nothing of a refused photo stays)."""
        with self._engine.connect() as conn:
            return len(conn.execute(select(media.c.media_id)).all())

    def close(self) -> None:
        self._engine.dispose()


LINK_TABLES = (
    "CREATE TABLE IF NOT EXISTS intake_report_media (media_id TEXT NOT NULL, report_id TEXT NOT "
    "NULL, rahasia INTEGER NOT NULL, looked_at DOUBLE PRECISION, PRIMARY KEY (media_id, "
    "report_id))",
    "CREATE INDEX IF NOT EXISTS intake_report_media_report ON intake_report_media (report_id)",
)
# Moderation (hidden, and the moment of the act that set it) came later: added once, old rows
# read as not hidden. SQLite has no `ADD COLUMN IF NOT EXISTS`; the migration mark guards it.
MODERATION = "photo-moderation-columns"
MODERATION_COLUMNS = (
    "ALTER TABLE intake_report_media ADD COLUMN {} hidden INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE intake_report_media ADD COLUMN {} moderated_at DOUBLE PRECISION",
)


def _owner_flags(row: dict[str, Any]) -> tuple[bool, bool, bool]:
    """rahasia, looked at, hidden."""
    return bool(row["rahasia"]), row["looked_at"] is not None, bool(row["hidden"])


class SqlMediaLinks:
    """Which reports carry which photo, beside the bookkeeping tables (same database)."""

    def __init__(self, books: Books) -> None:
        if not isinstance(books, SqlBooks):
            raise TypeError("the links table lives in the database of SqlBooks")
        self._db = books.db
        self._db.run([Statement(sql, {}) for sql in LINK_TABLES])
        if not books.migrated(MODERATION):
            guard = "IF NOT EXISTS" if isinstance(self._db, PostgresDatabase) else ""
            added = [Statement(sql.format(guard), {}) for sql in MODERATION_COLUMNS]
            books.run([*added, books.mark_migrated(MODERATION)])

    def link(self, media_id: str, report_id: UUID, rahasia: bool) -> Statement:
        return Statement(
            "INSERT INTO intake_report_media (media_id, report_id, rahasia) "
            "VALUES (:m, :r, :rahasia) ON CONFLICT DO NOTHING",
            {"m": media_id, "r": str(report_id), "rahasia": int(rahasia)},
        )

    def looked_at(self, report_id: UUID, at: datetime) -> Statement:
        return Statement(
            "UPDATE intake_report_media SET looked_at = :at "
            "WHERE report_id = :r AND looked_at IS NULL",
            {"r": str(report_id), "at": at.timestamp()},
        )

    def moderated(self, report_id: UUID, hidden: bool, at: datetime) -> Statement:
        """Hidden or shown again; an act older than the last one applied changes nothing, so a
        replay (or a late re-delivery) cannot undo a newer act."""
        return Statement(
            "UPDATE intake_report_media SET hidden = :hidden, moderated_at = :at "
            "WHERE report_id = :r AND (moderated_at IS NULL OR moderated_at <= :at)",
            {"r": str(report_id), "hidden": int(hidden), "at": at.timestamp()},
        )

    def owners(self, media_id: str) -> list[tuple[UUID, bool, bool, bool]]:
        rows: list[dict[str, Any]] = self._db.read(
            "SELECT report_id, rahasia, looked_at, hidden FROM intake_report_media "
            "WHERE media_id = :m",
            {"m": media_id},
        )
        return [(UUID(r["report_id"]), *_owner_flags(r)) for r in rows]
