"""The rules of the token registry: what `TokenIssued` and `TokenRevoked` leave behind.

A revocation is final: a later (or replayed) issue of the same digest does not revive it, and a
digest revoked before its issue was seen stays refused. An expired token is kept (for `list`)
but no longer authenticates.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from shared.contracts.tokens import TokenEvent, TokenIssued, TokenRevoked


@dataclass(frozen=True)
class Grant:
    """What the registry knows of one token digest."""

    digest: str
    role: str
    name: str = ""
    email: str | None = None
    expires_at: datetime | None = None
    revoked: bool = False
    changed_at: datetime | None = None
    actor: str = ""

    def live(self, now: datetime) -> bool:
        """Whether the token may still be used at `now`."""
        return not self.revoked and (self.expires_at is None or now < self.expires_at)


def _actor(event: TokenEvent) -> str:
    return f"{event.actor.role}:{event.actor.name}" if event.actor.name else event.actor.role


def granted(event: TokenEvent, before: Grant | None) -> Grant:
    """The grant after `event`, given what was known of its digest before."""
    if isinstance(event, TokenIssued):
        if before is not None and before.revoked:
            return before
        return Grant(
            digest=event.digest,
            role=event.role,
            name=event.name,
            email=event.email,
            expires_at=event.expires_at,
            changed_at=event.occurred_at,
            actor=_actor(event),
        )
    if not isinstance(event, TokenRevoked):
        raise TypeError(f"not a token event: {type(event).__name__}")
    known = before or Grant(
        digest=event.digest,
        role=event.role or "",
        name=event.name,
        email=event.email,
        expires_at=event.expires_at,
    )
    return replace(known, revoked=True, changed_at=event.occurred_at, actor=_actor(event))


class TokenRegistry:
    """Every digest the topic announced, and how far into each partition it has been read."""

    def __init__(self) -> None:
        self._grants: dict[str, Grant] = {}
        self._positions: dict[int, int] = {}
        self._lock = threading.Lock()

    def apply(self, event: TokenEvent, partition: int | None = None, offset: int = -1) -> Grant:
        """Take one event in; `offset` is the record's (the position becomes offset + 1)."""
        with self._lock:
            grant = granted(event, self._grants.get(event.digest))
            self._grants[event.digest] = grant
            if partition is not None:
                self._positions[partition] = max(self._positions.get(partition, 0), offset + 1)
            return grant

    def load(self, grants: Iterable[Grant], positions: Mapping[int, int]) -> None:
        """Start from a stored projection."""
        with self._lock:
            self._grants.update({grant.digest: grant for grant in grants})
            self._positions.update(positions)

    def get(self, digest: str) -> Grant | None:
        """The grant of a digest, live or not."""
        return self._grants.get(digest)

    def grants(self) -> list[Grant]:
        """Every grant known, newest change first."""
        known = list(self._grants.values())
        return sorted(known, key=lambda g: (g.changed_at is None, g.changed_at), reverse=True)

    def positions(self) -> dict[int, int]:
        """Partition -> the next offset to read."""
        with self._lock:
            return dict(self._positions)

    def email_of(self, role: str, name: str, now: datetime) -> str | None:
        """The e-mail of the person holding a live token with this role and name, if given."""
        for grant in self.grants():
            if grant.role == role and grant.name == name and grant.email and grant.live(now):
                return grant.email
        return None
