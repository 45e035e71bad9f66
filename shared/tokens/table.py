"""A service's own copy of the token registry: two plain tables in its own database.

`auth_token_grants` holds one row per digest, `auth_token_positions` how far into each partition
of `lapor.tokens.v1` the rows go; both are written in one transaction, so a restart resumes from
the table (no window in which a known token is refused) and reads only what came after. Replicas
of one service share the tables; a row only moves forward (its position guards it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)
from sqlalchemy.engine import Connection

from shared.tokens.registry import Grant

Placed = tuple[int, int, Grant]
"""A grant with the partition and offset of the record that made it."""

metadata = MetaData()
grants = Table(
    "auth_token_grants",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("role", String(100), nullable=False),
    Column("name", String(600), nullable=False),
    Column("email", String(320)),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True)),
    Column("actor", String(700), nullable=False),
)
positions = Table(
    "auth_token_positions",
    metadata,
    Column("partition", Integer, primary_key=True, autoincrement=False),
    Column("next_offset", Integer, nullable=False),
)


class TokenTable:
    """The projection's rows and positions in one database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        metadata.create_all(engine)

    @classmethod
    def at(cls, url: str) -> TokenTable:
        """The tables in the database at `url` (created if missing)."""
        return cls(create_engine(url, pool_pre_ping=True, pool_size=1, max_overflow=1))

    def load(self) -> tuple[list[Grant], dict[int, int]]:
        """Every stored grant and the position each partition was read to."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(grants)).mappings().all()
            marks = conn.execute(select(positions)).all()
        return [_aware(Grant(**row)) for row in rows], {p: o for p, o in marks}

    def save(self, changed: Sequence[Placed]) -> None:
        """Write grants with the positions they reach, in one transaction.

        A grant is written only if its record lies beyond what the table holds for its
        partition: a lagging replica never overwrites what a faster one wrote (one digest always
        lives in one partition, so its records arrive in order).
        """
        with self._engine.begin() as conn:
            stored = _stored_positions(conn)
            reached = dict(stored)
            for partition, offset, grant in changed:
                if offset < stored.get(partition, 0):
                    continue
                conn.execute(grants.delete().where(grants.c.digest == grant.digest))
                conn.execute(grants.insert().values(**grant.__dict__))
                reached[partition] = max(reached.get(partition, 0), offset + 1)
            for partition, offset in reached.items():
                if offset != stored.get(partition):
                    conn.execute(positions.delete().where(positions.c.partition == partition))
                    conn.execute(positions.insert().values(partition=partition, next_offset=offset))

    def close(self) -> None:
        self._engine.dispose()


def _aware(grant: Grant) -> Grant:
    """SQLite hands back naive datetimes: they were stored in UTC."""
    return replace(
        grant,
        expires_at=_utc(grant.expires_at),
        changed_at=_utc(grant.changed_at),
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _stored_positions(conn: Connection) -> dict[int, int]:
    return {p: o for p, o in conn.execute(select(positions).with_for_update()).all()}
