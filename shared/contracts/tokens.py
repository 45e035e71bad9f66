"""Bearer tokens as events on the compacted topic `lapor.tokens.v1` (key: the token's digest).

Only the SHA-256 hex digest of a token ever travels; the token itself is printed once to the
person who issued it. Every service and face projects the topic into its own store.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AwareDatetime, StringConstraints

from shared.auth import ROLE_PATTERN
from shared.contracts.base import Actor, IntegrationEvent, ShortText

Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Role = Annotated[str, StringConstraints(pattern=ROLE_PATTERN)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}$")]


class TokenEvent(IntegrationEvent):
    """An event about one token, keyed by its digest; `actor` is who issued or revoked it."""

    digest: Digest
    actor: Actor


class TokenIssued(TokenEvent):
    """A token was issued to one person (or machine) with a role, until `expires_at` if set."""

    event_type: ClassVar[str] = "TokenIssued"
    role: Role
    name: ShortText = ""
    email: Email | None = None
    expires_at: AwareDatetime | None = None


class TokenRevoked(TokenEvent):
    """A token ends at once. It repeats who held it, so the compacted topic still says so."""

    event_type: ClassVar[str] = "TokenRevoked"
    role: Role | None = None
    name: ShortText = ""
    email: Email | None = None
    expires_at: AwareDatetime | None = None
