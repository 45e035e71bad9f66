"""Bearer tokens bound to a role: stored hashed, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROLES = ("adapter", "admin", "analyst", "notification")
SKPD_ROLE = re.compile(r"^skpd:[A-Z0-9-]+$")


class Unauthenticated(Exception):
    """No token, or a token nobody issued."""


class Forbidden(Exception):
    """A valid token whose role may not do this."""


def is_role(role: str) -> bool:
    """Whether a role name is one the system knows."""
    return role in ROLES or bool(SKPD_ROLE.match(role))


def digest(token: str) -> str:
    """How a token is stored: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh opaque token."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role, for an SKPD its body code, and the person's name if issued one."""

    role: str
    name: str = ""

    @property
    def skpd_code(self) -> str | None:
        return self.role.split(":", 1)[1] if self.role.startswith("skpd:") else None


Entry = str | Mapping[str, str]
"""A stored token: its role, or `{"role": ..., "name": ...}` for a person's token."""


def _grant(entry: Entry) -> tuple[str, str]:
    role, name = (entry, "") if isinstance(entry, str) else (entry["role"], entry.get("name", ""))
    if not is_role(role):
        raise ValueError(f"unknown role {role!r}")
    return role, name


class TokenStore:
    """Known token digests with roles and names, plus a file of issued tokens re-read on change."""

    def __init__(self, digests: Mapping[str, Entry], path: Path | None = None) -> None:
        self._digests = {d: _grant(entry) for d, entry in digests.items()}
        self._path = path
        self._issued: dict[str, tuple[str, str]] = {}
        self._seen: tuple[int, int] | None = None

    def _current(self) -> dict[str, tuple[str, str]]:
        if self._path is None:
            return self._digests
        try:
            stat = self._path.stat()
            changed = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            self._issued, self._seen = {}, None
            return self._digests
        if changed != self._seen:
            stored = json.loads(self._path.read_text(encoding="utf-8"))
            self._issued = {d: _grant(entry) for d, entry in stored.items()}
            self._seen = changed
        return {**self._digests, **self._issued}

    def authenticate(self, token: str | None) -> Principal:
        """The principal of a token, or Unauthenticated."""
        if not token:
            raise Unauthenticated("a bearer token is required")
        presented = digest(token)
        found: tuple[str, str] | None = None
        for stored, grant in self._current().items():
            if hmac.compare_digest(stored, presented):
                found = grant
        if found is None:
            raise Unauthenticated("unknown token")
        return Principal(*found)

    def authorize(self, token: str | None, *allowed: str) -> Principal:
        """The principal, if its role is one of `allowed` ("skpd" allows any body)."""
        principal = self.authenticate(token)
        if principal.role in allowed or ("skpd" in allowed and principal.skpd_code):
            return principal
        raise Forbidden(f"role {principal.role} may not do this")
