"""What intake's use cases need from outside: sealed identities with per-reporter keys, contacts,
the bookkeeping tables."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from intake.domain.contacts import ContactState
from intake.domain.duplicates import Indexed
from intake.domain.held import Waiting
from intake.domain.photos import CleanPhoto
from shared.processing import Statement


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

    def status_secret(self, reporter_ref: str) -> str | None:
        """The reporter's status-link secret (derived from their key; only its hash is kept),
        or None once the key is destroyed."""
        ...

    def reporter_of(self, secret: str) -> str | None:
        """The reporter_ref a status-link secret belongs to, or None (unknown or erased)."""
        ...


class ContactBook(Protocol):
    """What is known of contacts, each by its digest (never the contact): confirmed, STOP, and
    the messages looked up for it today."""

    def state(self, digest: str) -> ContactState:
        """The contact's state (the default state when nothing is known)."""
        ...

    def confirm(self, digests: Collection[str], at: datetime) -> None:
        """The contact answered itself: no daily cap from now on."""
        ...

    def opt_out(self, digests: Collection[str], at: datetime) -> None:
        """The contact sent STOP at `at`."""
        ...

    def opt_in(self, digests: Collection[str], at: datetime) -> None:
        """The contact sent MULAI / START at `at`."""
        ...

    def take(self, digest: str, day: str, cap: int) -> bool:
        """Count one more message on `day` unless `cap` were reached (atomic); True if counted."""
        ...


class Books(Protocol):
    """Intake's bookkeeping tables (flood counters, tracking ids, held queue, duplicate index).

    Reads answer from the stored rows; writes are statements a batch runs in the transaction of
    its events (`Batch.also_run`).
    """

    def reports_within(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, int]: ...

    def note_report(
        self, key: str, report_id: UUID, at: datetime, horizon: datetime | None
    ) -> list[Statement]: ...

    def report_with(self, tracking_id: str) -> UUID | None: ...

    def claim(self, tracking_id: str, report_id: UUID, *, if_new: bool = False) -> Statement: ...

    def held(self) -> list[Waiting]: ...

    def hold(self, waiting: Waiting) -> Statement: ...

    def release(self, report_id: UUID | str) -> Statement: ...

    def candidates(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> list[Indexed]: ...

    def index(self, entry: Indexed, keys: Iterable[str]) -> list[Statement]: ...

    def unindex(self, report_id: UUID | str) -> list[Statement]: ...

    def after_record(self, statements: Sequence[Statement]) -> None: ...

    def run(self, statements: Sequence[Statement]) -> None: ...

    def migrated(self, name: str) -> bool: ...

    def mark_migrated(self, name: str) -> Statement: ...


class MediaStore(Protocol):
    """Where cleaned photos and their thumbnails are kept, each once by its media id."""

    def put(self, media_id: str, photo: CleanPhoto) -> None:
        """Keep a photo and its thumbnail (a photo already kept is left as it is)."""
        ...

    def get(self, media_id: str, thumb: bool = False) -> tuple[bytes, str] | None:
        """The bytes and content type of a photo (or its thumbnail), None if not kept."""
        ...

    def delete(self, media_id: str) -> None:
        """Forget a photo and its thumbnail (idempotent)."""
        ...


class MediaLinks(Protocol):
    """Which reports carry which photo, and whether a person has looked at each report; writes
    are statements a batch runs with its events."""

    def link(self, media_id: str, report_id: UUID, rahasia: bool) -> Statement: ...

    def looked_at(self, report_id: UUID, at: datetime) -> Statement: ...

    def owners(self, media_id: str) -> list[tuple[UUID, bool, bool]]:
        """(report_id, rahasia, looked_at) of each report carrying the photo."""
        ...
