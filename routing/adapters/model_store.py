"""Versioned router models in routing's own database, so every replica routes with the same one.

Two plain tables beside the event store: `router_models` (one row per trained version: the
artefact as arrays and JSON, what training measured, a note) and `router_model_installs` (every
install or roll-back, in order; the last one is in use). Version 0 is the model `make install`
built, which is in use until a version is installed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    insert,
    select,
)

from routing.adapters.model import TextModel
from routing.adapters.model_bytes import from_bytes, to_bytes

BUILT = 0

metadata = MetaData()
models = Table(
    "router_models",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("trained_at", DateTime(timezone=True), nullable=False),
    Column("note", String(500), nullable=False),
    Column("metrics", Text, nullable=False),
    Column("artefact", LargeBinary, nullable=False),
)
installs = Table(
    "router_model_installs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", Integer, nullable=False),
    Column("installed_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(500), nullable=False),
)


class UnknownModelVersion(LookupError):
    """No stored model has this version."""

    def __init__(self, version: int) -> None:
        super().__init__(f"no router model version {version}")
        self.version = version


@dataclass(frozen=True)
class StoredModel:
    """One stored version as `lapor routing models` lists it."""

    version: int
    trained_at: datetime
    note: str
    metrics: dict[str, Any]


class ModelStore:
    """The trained versions and which one is installed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._ready = False

    @property
    def engine(self) -> Engine:
        """The database, its tables created on first use."""
        if not self._ready:
            metadata.create_all(self._engine)
            self._ready = True
        return self._engine

    @classmethod
    def at(cls, url: str) -> ModelStore:
        """The store in the database at this SQLAlchemy URL."""
        return cls(create_engine(url, pool_pre_ping=True))

    def add(self, model: TextModel, note: str) -> int:
        """Keep a trained model as the next version (not installed)."""
        with self.engine.begin() as connection:
            last = connection.execute(select(func.max(models.c.version))).scalar()
            version = (last or BUILT) + 1
            connection.execute(
                insert(models).values(
                    version=version,
                    trained_at=datetime.now(UTC),
                    note=note[:500],
                    metrics=json.dumps(model.metrics),
                    artefact=to_bytes(model),
                )
            )
        return version

    def install(self, version: int, reason: str) -> None:
        """Put a version in use (0: the built model); replicas pick it up on their next check."""
        with self.engine.begin() as connection:
            if (
                version != BUILT
                and connection.execute(
                    select(models.c.version).where(models.c.version == version)
                ).first()
                is None
            ):
                raise UnknownModelVersion(version)
            connection.execute(
                insert(installs).values(
                    version=version, installed_at=datetime.now(UTC), reason=reason[:500]
                )
            )

    def installed(self) -> int:
        """The version in use (0 when none was ever installed)."""
        with self.engine.connect() as connection:
            found = connection.execute(
                select(installs.c.version).order_by(installs.c.id.desc()).limit(1)
            ).scalar()
        return BUILT if found is None else int(found)

    def load(self, version: int) -> TextModel:
        """A stored version's model."""
        with self.engine.connect() as connection:
            data = connection.execute(
                select(models.c.artefact).where(models.c.version == version)
            ).scalar()
        if data is None:
            raise UnknownModelVersion(version)
        return from_bytes(bytes(data))

    def versions(self) -> list[StoredModel]:
        """Every stored version, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    models.c.version, models.c.trained_at, models.c.note, models.c.metrics
                ).order_by(models.c.version)
            ).all()
        return [StoredModel(r.version, r.trained_at, r.note, json.loads(r.metrics)) for r in rows]
