"""AES-256-GCM for crypto-shredding, and the key stores written before keys per reporter.

A report's sealed identity (and an anonim report's original words) lives in the append-only
event store; its key lives in a table (`intake/adapters/vault_rows.py`). Erasing deletes the key
row, so the stored ciphertext can never be read again while the history stays intact. The same
key derives each report's status-link secret (an HMAC); only the secret's hash is stored.

`SqlKeys` / `MemoryKeys` are where main kept one key per report before keys per reporter, each
in a transaction of its own: read once by the migration, then forgotten.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from typing import Any, Protocol

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, create_engine, delete, select
from sqlalchemy.engine import Engine

NONCE_BYTES = 12
SECRET_BYTES = 24  # 192 bits: 32 URL-safe characters

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


def link_hash(secret: str) -> str:
    """What is stored of a status-link secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class AesSealer:
    """Seals a report's payload under a key, bound to its reporter_ref (AES-256-GCM)."""

    def new_key(self) -> bytes:
        """A fresh random 256-bit key."""
        return AESGCM.generate_key(bit_length=256)

    def seal(self, key: bytes, reporter_ref: str, payload: dict[str, Any]) -> str:
        """The payload encrypted under the key, the reporter_ref authenticated with it."""
        nonce = os.urandom(NONCE_BYTES)
        # compact UTF-8 JSON (`json.dumps` spent more than the cipher); `unseal` reads it and
        # the spaced form sealed before alike
        plain = orjson.dumps(payload)
        sealed = AESGCM(key).encrypt(nonce, plain, reporter_ref.encode())
        return base64.b64encode(nonce + sealed).decode()

    def unseal(self, key: bytes, reporter_ref: str, sealed: str) -> dict[str, Any] | None:
        """The payload, or None when this key did not seal it (or nothing was sealed)."""
        if not sealed:
            return None
        raw = base64.b64decode(sealed)
        try:
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], reporter_ref.encode())
        except InvalidTag:
            return None
        found: dict[str, Any] = json.loads(plain)
        return found

    def link_secret(self, key: bytes, reporter_ref: str) -> str:
        """A report's status-link secret: derived from its key, so erasing the key kills it."""
        digest = hmac.new(key, f"status-link:{reporter_ref}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:SECRET_BYTES]).decode()

    def link_hash(self, secret: str) -> str:
        """What is stored of a status-link secret."""
        return link_hash(secret)


class KeyStore(Protocol):
    """Where main kept one key per report before keys per reporter (read once, then forgotten)."""

    def keys(self) -> dict[str, bytes]: ...

    def links(self) -> dict[str, str]: ...

    def forget(self, reporter_refs: list[str]) -> None: ...


class MemoryKeys:
    """Old keys in a dict (tests)."""

    def __init__(self, keys: dict[str, bytes] | None = None) -> None:
        self._keys = dict(keys or {})
        self._links: dict[str, str] = {}
        self._lock = threading.Lock()

    def keys(self) -> dict[str, bytes]:
        return dict(self._keys)

    def links(self) -> dict[str, str]:
        return dict(self._links)

    def forget(self, reporter_refs: list[str]) -> None:
        with self._lock:
            for ref in reporter_refs:
                self._keys.pop(ref, None)
            self._links = {h: r for h, r in self._links.items() if r not in reporter_refs}


class SqlKeys:
    """Old keys in intake's database (SQLite file or PostgreSQL), one row per reporter_ref."""

    def __init__(self, url: str) -> None:
        self._engine: Engine = create_engine(url, pool_pre_ping=True)
        metadata.create_all(self._engine)

    def keys(self) -> dict[str, bytes]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(reporter_keys.c.reporter_ref, reporter_keys.c.key))
            return {str(ref): bytes(key) for ref, key in rows}

    def links(self) -> dict[str, str]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(status_links.c.link_hash, status_links.c.reporter_ref))
            return {str(found): str(ref) for found, ref in rows}

    def forget(self, reporter_refs: list[str]) -> None:
        """Forget the old keys the migration copied (the copy is what counts now)."""
        with self._engine.begin() as conn:
            for ref in reporter_refs:
                conn.execute(delete(reporter_keys).where(reporter_keys.c.reporter_ref == ref))
                conn.execute(delete(status_links).where(status_links.c.reporter_ref == ref))
        if self._engine.dialect.name == "sqlite":
            with self._engine.connect() as conn:
                conn.exec_driver_sql("VACUUM")

    def close(self) -> None:
        self._engine.dispose()
