"""Per-reporter keys for crypto-shredding: AES-256-GCM, the keys in a table of their own.

The sealed identity lives in the append-only event store; its key lives here. Erasing deletes
the key row, so the stored ciphertext can never be read again while the history stays intact.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    Column,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    select,
    text,
)
from sqlalchemy.engine import Engine

NONCE_BYTES = 12

metadata = MetaData()
reporter_keys = Table(
    "intake_reporter_keys",
    metadata,
    Column("reporter_ref", String(64), primary_key=True),
    Column("key", LargeBinary, nullable=False),
)


def _secure_delete(connection: Any, _: Any) -> None:
    connection.execute("PRAGMA secure_delete = ON")


class KeyStore(Protocol):
    """Where the per-reporter keys live."""

    def put(self, reporter_ref: str, key: bytes) -> None: ...

    def put_many(self, keys: dict[str, bytes]) -> None: ...

    def get(self, reporter_ref: str) -> bytes | None: ...

    def delete(self, reporter_ref: str) -> None: ...


class MemoryKeys:
    """Keys in a dict (unit tests, in-memory persistence)."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, reporter_ref: str, key: bytes) -> None:
        self.put_many({reporter_ref: key})

    def put_many(self, keys: dict[str, bytes]) -> None:
        with self._lock:
            self._keys.update(keys)

    def get(self, reporter_ref: str) -> bytes | None:
        return self._keys.get(reporter_ref)

    def delete(self, reporter_ref: str) -> None:
        with self._lock:
            self._keys.pop(reporter_ref, None)


class SqlKeys:
    """Keys in intake's own database (SQLite file or PostgreSQL), one row per reporter_ref.

    A deleted key is also physically cleared where the database allows it: SQLite overwrites
    deleted rows (`secure_delete`), PostgreSQL vacuums the table after an erasure.
    """

    def __init__(self, url: str) -> None:
        self._engine: Engine = create_engine(url, pool_pre_ping=True)
        if self._engine.dialect.name == "sqlite":
            event.listen(self._engine, "connect", _secure_delete)
        metadata.create_all(self._engine)

    def put(self, reporter_ref: str, key: bytes) -> None:
        self.put_many({reporter_ref: key})

    def put_many(self, keys: dict[str, bytes]) -> None:
        rows = [{"reporter_ref": ref, "key": key} for ref, key in keys.items()]
        with self._engine.begin() as conn:
            conn.execute(reporter_keys.insert(), rows)

    def get(self, reporter_ref: str) -> bytes | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(reporter_keys.c.key).where(reporter_keys.c.reporter_ref == reporter_ref)
            ).first()
        return bytes(row[0]) if row else None

    def delete(self, reporter_ref: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(reporter_keys).where(reporter_keys.c.reporter_ref == reporter_ref))
        if self._engine.dialect.name == "postgresql":
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM {reporter_keys.name}"))

    def close(self) -> None:
        self._engine.dispose()


class AesSealer:
    """Seals each identity under a fresh random key of its own reporter_ref.

    New keys wait in memory until `flush` stores them all in one transaction, which the
    application calls before it records the events that hold the sealed identities.
    """

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys
        self._pending: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def seal(self, reporter_ref: str, identity: dict[str, Any]) -> str:
        key = AESGCM.generate_key(bit_length=256)
        with self._lock:
            self._pending[reporter_ref] = key
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(identity, ensure_ascii=False).encode()
        sealed = AESGCM(key).encrypt(nonce, plain, reporter_ref.encode())
        return base64.b64encode(nonce + sealed).decode()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        if pending:
            self.keys.put_many(pending)

    def unseal(self, reporter_ref: str, sealed: str) -> dict[str, Any] | None:
        key = self._key(reporter_ref) if sealed else None
        if key is None:
            return None
        raw = base64.b64decode(sealed)
        try:
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], reporter_ref.encode())
        except InvalidTag:
            return None
        found: dict[str, Any] = json.loads(plain)
        return found

    def _key(self, reporter_ref: str) -> bytes | None:
        with self._lock:
            pending = self._pending.get(reporter_ref)
        return pending or self.keys.get(reporter_ref)

    def erase(self, reporter_ref: str) -> None:
        with self._lock:
            self._pending.pop(reporter_ref, None)
        self.keys.delete(reporter_ref)
