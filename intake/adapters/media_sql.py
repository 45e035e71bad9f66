"""Photos in a table of intake's database (PostgreSQL `bytea`): every replica sees them.

Column `pending_since` is when a photo was last kept while no report was known to carry it (NULL
once the sweep found a report that does); see `media_sweep`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Float,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from intake.adapters.media_sweep import FULL, THUMB, Sweeping, parts
from intake.domain.photos import CleanPhoto

metadata = MetaData()
media = Table(
    "intake_media",
    metadata,
    Column("media_id", String(64), primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("content_type", String(40), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("pending_since", Float(precision=53)),
)
PENDING_INDEX = "CREATE INDEX IF NOT EXISTS intake_media_pending ON intake_media (pending_since)"


class SqlMediaStore(Sweeping):
    """Photos in a table of intake's database (PostgreSQL `bytea`): every replica sees them."""

    def __init__(self, url: str) -> None:
        self._engine: Engine = create_engine(url, pool_pre_ping=True)
        metadata.create_all(self._engine)
        self._add_pending_column()

    def _add_pending_column(self) -> None:
        """A table made before sweeps existed: its photos are pending since the epoch, so the
        first sweep settles those a report carries and forgets the others."""
        columns = {c["name"] for c in inspect(self._engine).get_columns("intake_media")}
        with self._engine.begin() as conn:
            if "pending_since" not in columns:
                guard = "IF NOT EXISTS" if self._engine.dialect.name == "postgresql" else ""
                conn.execute(
                    text(f"ALTER TABLE intake_media ADD COLUMN {guard} pending_since FLOAT")
                )
                conn.execute(
                    update(media).where(media.c.pending_since.is_(None)).values(pending_since=0)
                )
            conn.execute(text(PENDING_INDEX))

    def put(self, media_id: str, photo: CleanPhoto, at: datetime) -> None:
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        rows = [
            {"media_id": media_id, "kind": kind, "content_type": content_type,
             "content": content, "pending_since": at.timestamp()}
            for kind, (content, content_type) in parts(photo).items()
        ]  # fmt: skip
        insert = dialect.insert(media)
        kept_again = insert.on_conflict_do_update(
            index_elements=[media.c.media_id, media.c.kind],
            set_={"pending_since": insert.excluded.pending_since},
        )
        with self._engine.begin() as conn:
            conn.execute(kept_again, rows)

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

    def _pending_before(self, moment: float, limit: int) -> list[str]:
        query = (
            select(media.c.media_id).where(media.c.pending_since < moment).distinct().limit(limit)
        )
        with self._engine.connect() as conn:
            return list(conn.scalars(query))

    def _settle(self, media_ids: list[str]) -> None:
        if media_ids:
            settled = (
                update(media).where(media.c.media_id.in_(media_ids)).values(pending_since=None)
            )
            with self._engine.begin() as conn:
                conn.execute(settled)

    def _forget_pending(self, media_ids: list[str], before: datetime) -> list[str]:
        if not media_ids:
            return []
        old = delete(media).where(
            media.c.media_id.in_(media_ids), media.c.pending_since < before.timestamp()
        )
        with self._engine.begin() as conn:
            gone = conn.execute(old.returning(media.c.media_id)).scalars()
            return sorted(set(gone))

    def count(self) -> int:
        """How many photo parts are stored (tests: nothing of a refused photo stays)."""
        with self._engine.connect() as conn:
            return len(conn.execute(select(media.c.media_id)).all())

    def close(self) -> None:
        self._engine.dispose()
