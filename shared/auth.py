"""Bearer tokens bound to a role: stored hashed, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

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
    """Who is calling: a role, for an SKPD its body code, and the holder's name if known."""

    role: str
    name: str = ""

    @property
    def skpd_code(self) -> str | None:
        return self.role.split(":", 1)[1] if self.role.startswith("skpd:") else None


# A digest's holder: a role, or (the same JSON, later form) {"role": ..., "name": ...}.
Holder = str | Mapping[str, str]


def _holder(value: Holder) -> tuple[str, str]:
    if isinstance(value, str):
        return value, ""
    return str(value.get("role", "")), str(value.get("name", ""))


class TokenStore:
    """Known token digests and their roles (and, when given, their holders' names)."""

    def __init__(self, digests: Mapping[str, Holder]) -> None:
        holders = {key: _holder(value) for key, value in digests.items()}
        for role, _ in holders.values():
            if not is_role(role):
                raise ValueError(f"unknown role {role!r}")
        self._digests = holders

    def authenticate(self, token: str | None) -> Principal:
        """The principal of a token, or Unauthenticated."""
        if not token:
            raise Unauthenticated("a bearer token is required")
        presented = digest(token)
        found: tuple[str, str] | None = None
        for stored, holder in self._digests.items():
            if hmac.compare_digest(stored, presented):
                found = holder
        if found is None:
            raise Unauthenticated("unknown token")
        return Principal(*found)

    def authorize(self, token: str | None, *allowed: str) -> Principal:
        """The principal, if its role is one of `allowed` ("skpd" allows any body)."""
        principal = self.authenticate(token)
        if principal.role in allowed or ("skpd" in allowed and principal.skpd_code):
            return principal
        raise Forbidden(f"role {principal.role} may not do this")
