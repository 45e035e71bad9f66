"""What intake's use cases need from outside: a place to seal identities with per-reporter keys."""

from __future__ import annotations

from typing import Any, Protocol


class IdentitySealer(Protocol):
    """Seals an identity under its reporter's own key; erasing destroys the key for good."""

    def seal(self, reporter_ref: str, identity: dict[str, Any]) -> str:
        """A fresh key for the reporter_ref, and the identity encrypted under it."""
        ...

    def flush(self) -> None:
        """Store the keys made since the last flush (before the events that need them)."""
        ...

    def unseal(self, reporter_ref: str, sealed: str) -> dict[str, Any] | None:
        """The identity, or None once the key is destroyed (erased)."""
        ...

    def erase(self, reporter_ref: str) -> None:
        """Destroy the reporter's key (idempotent)."""
        ...
