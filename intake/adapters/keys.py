"""Per-reporter keys for crypto-shredding: AES-256-GCM, the keys in a table of their own.

The sealed identity lives in the append-only event store; its key lives here. Erasing deletes
the key row, so the stored ciphertext can never be read again while the history stays intact.
The same key derives the reporter's status-link secret (an HMAC); only the secret's hash is
stored, beside the key, so erasing the key kills the link too.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
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
from sqlalchemy.exc import IntegrityError

NONCE_BYTES = 12

metadata = MetaData()
reporter_keys = Table(
    "intake_reporter_keys",
    metadata,
    Column("reporter_ref", String(64), primary_key=True),
    Column("key", LargeBinary, nullable=False),
)
status_links = Table(
    "intake_status_links",
    metadata,
    Column("link_hash", String(64), primary_key=True),
    Column("reporter_ref", String(64), nullable=False, index=True),
)
SECRET_BYTES = 24  # 192 bits: 32 URL-safe characters


def link_hash(secret: str) -> str:
    """What is stored of a status-link secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _secure_delete(connection: Any, _: Any) -> None:
    connection.execute("PRAGMA secure_delete = ON")


class KeyStore(Protocol):
    """Where the per-reporter keys live."""

    def put(self, reporter_ref: str, key: bytes) -> None: ...

    def put_many(self, keys: dict[str, bytes]) -> None: ...

    def get(self, reporter_ref: str) -> bytes | None: ...

    def delete(self, reporter_ref: str) -> None: ...

    def put_link(self, link_hash: str, reporter_ref: str) -> None: ...

    def link_owner(self, link_hash: str) -> str | None: ...


class MemoryKeys:
    """Keys in a dict (unit tests, in-memory persistence)."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._links: dict[str, str] = {}
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
            self._links = {h: ref for h, ref in self._links.items() if ref != reporter_ref}

    def put_link(self, link_hash: str, reporter_ref: str) -> None:
        with self._lock:
            self._links[link_hash] = reporter_ref

    def link_owner(self, link_hash: str) -> str | None:
        return self._links.get(link_hash)


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
            conn.execute(delete(status_links).where(status_links.c.reporter_ref == reporter_ref))
        if self._engine.dialect.name == "postgresql":
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM {reporter_keys.name}"))

    def put_link(self, link_hash: str, reporter_ref: str) -> None:
        if self.link_owner(link_hash) == reporter_ref:
            return
        row = {"link_hash": link_hash, "reporter_ref": reporter_ref}
        with contextlib.suppress(IntegrityError), self._engine.begin() as conn:
            conn.execute(status_links.insert(), [row])  # a racing twin wrote the same row

    def link_owner(self, link_hash: str) -> str | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(status_links.c.reporter_ref).where(status_links.c.link_hash == link_hash)
            ).first()
        return str(row[0]) if row else None

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

    def status_secret(self, reporter_ref: str) -> str | None:
        """The reporter's status-link secret, its hash stored for look-up; None once erased."""
        key = self._key(reporter_ref)
        if key is None:
            return None
        secret = _secret(key, reporter_ref)
        self.keys.put_link(link_hash(secret), reporter_ref)
        return secret

    def reporter_of(self, secret: str) -> str | None:
        """The reporter_ref whose status-link secret this is (None: unknown, or erased)."""
        reporter_ref = self.keys.link_owner(link_hash(secret))
        key = self._key(reporter_ref) if reporter_ref else None
        if reporter_ref is None or key is None:
            return None
        return reporter_ref if hmac.compare_digest(_secret(key, reporter_ref), secret) else None


def _secret(key: bytes, reporter_ref: str) -> str:
    digest = hmac.new(key, f"status-link:{reporter_ref}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:SECRET_BYTES]).decode()
