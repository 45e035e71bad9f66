"""Bearer tokens bound to a role: stored hashed, compared in constant time.

Three sources, in this order: the registry projected from `lapor.tokens.v1` (issued and revoked
with `lapor tokens`; a digest it knows as revoked or expired is refused whatever else lists it),
the configured digests (`LAPOR_AUTH_TOKENS`: development and machine tokens), and a legacy
tokens file (`LAPOR_AUTH_TOKENS_FILE`, re-read on change; `lapor tokens migrate` moves it to the
topic).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from shared.clock import Clock, SystemClock

if TYPE_CHECKING:
    from shared.tokens.feed import TokenFeed
    from shared.tokens.registry import TokenRegistry

ROLES = ("adapter", "admin", "analyst", "notification")
SKPD_ROLE = re.compile(r"^skpd:[A-Z0-9-]+$")
ROLE_PATTERN = "^(" + "|".join(ROLES) + r"|skpd:[A-Z0-9-]+)$"
"""Every role `is_role` knows, as one pattern (the token contracts' `role`)."""


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
    """A fresh opaque token, never starting with "-" (a command line would read it as an option:
    `lapor tokens revoke -kMh…` fails)."""
    while (token := secrets.token_urlsafe(32)).startswith("-"):
        pass
    return token


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
    """Known token digests with roles and names: the projected registry, configuration, a file."""

    def __init__(
        self,
        digests: Mapping[str, Entry],
        path: Path | None = None,
        *,
        registry: TokenRegistry | None = None,
        feed: TokenFeed | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._digests = {d: _grant(entry) for d, entry in digests.items()}
        self._path = path
        self._issued: dict[str, tuple[str, str]] = {}
        self._seen: tuple[int, int] | None = None
        self.registry = registry
        self.feed = feed
        self._clock = clock or SystemClock()

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
        # the digest, not the token, is looked up: its timing tells nothing about a token
        known = self.registry.get(presented) if self.registry is not None else None
        if known is not None:
            if not known.live(self._clock.now()):
                raise Unauthenticated("token revoked" if known.revoked else "token expired")
            return Principal(known.role, known.name)
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

    def email_of(self, role: str, name: str) -> str | None:
        """The e-mail address given when this person's live token was issued, if any."""
        if self.registry is None or not name:
            return None
        return self.registry.email_of(role, name, self._clock.now())

    def loading(self) -> list[str]:
        """Why this store cannot answer yet (readiness): the token topic not read to its end."""
        if self.feed is not None and self.feed.failed is not None:
            return [f"tokens: the lapor.tokens.v1 feed stopped ({self.feed.failed!r})"[:300]]
        if self.feed is None or self.feed.caught_up.is_set():
            return []
        return ["tokens: lapor.tokens.v1 not read to its end yet"]
