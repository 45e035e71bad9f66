"""What intake's use cases need from outside: a cipher, the vault's tables with keys per reporter,
contacts, the bookkeeping tables."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from intake.domain.contacts import ContactState
from intake.domain.duplicates import Indexed
from intake.domain.held import Waiting
from intake.domain.photos import CleanPhoto
from intake.domain.vault import LookUp, ReporterRow
from shared.processing import Statement


class Cipher(Protocol):
    """Seals a report's payload under a key; a destroyed key makes it unreadable for good."""

    def new_key(self) -> bytes:
        """A fresh random key."""
        ...

    def seal(self, key: bytes, reporter_ref: str, payload: dict[str, Any]) -> str:
        """The payload encrypted under the key, bound to the reporter_ref."""
        ...

    def unseal(self, key: bytes, reporter_ref: str, sealed: str) -> dict[str, Any] | None:
        """The payload, or None when this key did not seal it."""
        ...

    def link_secret(self, key: bytes, reporter_ref: str) -> str:
        """A report's status-link secret, derived from its key."""
        ...

    def link_hash(self, secret: str) -> str:
        """What is stored of a status-link secret."""
        ...


class VaultTables(Protocol):
    """The vault's tables: keys per reporter, reporters and their contacts, look-ups, access.

    Reads answer from the stored rows; writes are statements a batch runs in the transaction of
    its events (`Batch.also_run`).
    """

    def key(self, key_id: str) -> bytes | None: ...

    def keys(self, key_ids: Sequence[str]) -> dict[str, bytes]: ...

    def put_key(self, key_id: str, key: bytes, *, if_new: bool = False) -> Statement: ...

    def reporter(self, reporter_ref: str) -> ReporterRow | None: ...

    def reporter_of_report(self, report_id: str) -> ReporterRow | None: ...

    def reporters_with_contacts(self, contacts: Sequence[str]) -> list[ReporterRow]: ...

    def reporters_with_keys(self, key_ids: Sequence[str]) -> list[ReporterRow]: ...

    def add_reporter(self, row: ReporterRow, contacts: Sequence[str]) -> list[Statement]: ...

    def erase(self, key_ids: Sequence[str], at: datetime) -> list[Statement]: ...

    def scrub(self) -> None: ...

    def look_ups(self, reporter_ref: str) -> list[LookUp]: ...

    def note_look_up(self, reporter_ref: str, look_up: LookUp) -> Statement: ...

    def bodies(self, report_id: str) -> tuple[str, ...]: ...

    def set_bodies(self, report_id: str, bodies: Sequence[str]) -> Statement: ...

    def link_owner(self, hashed: str) -> str | None: ...

    def put_link(self, hashed: str, reporter_ref: str) -> Statement: ...

    def run(self, statements: Sequence[Statement]) -> None: ...


class LegacyKeys(Protocol):
    """The keys main kept one per report before keys per reporter (read once to migrate)."""

    def keys(self) -> dict[str, bytes]: ...

    def links(self) -> dict[str, str]: ...

    def forget(self, reporter_refs: list[str]) -> None: ...


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

    def activity_within(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, list[float]]: ...

    def note_report(
        self, key: str, report_id: UUID, at: datetime, horizon: datetime | None
    ) -> list[Statement]: ...

    def report_with(self, tracking_id: str) -> UUID | None: ...

    def claim(self, tracking_id: str, report_id: UUID, *, if_new: bool = False) -> Statement: ...

    def held(self, limit: int | None = None, offset: int = 0) -> list[Waiting]: ...

    def held_count(self) -> int: ...

    def hold(self, waiting: Waiting) -> Statement: ...

    def release(self, report_id: UUID | str) -> Statement: ...

    def candidates(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> list[Indexed]: ...

    @property
    def candidate_limit(self) -> int: ...

    def keyed(
        self, keys: Sequence[str], since: datetime, until: datetime
    ) -> dict[str, list[tuple[float, str]]]: ...

    def entries(self, ids: Sequence[str]) -> dict[str, Indexed]: ...

    def index(self, entry: Indexed, keys: Iterable[str]) -> list[Statement]: ...

    def unindex(self, report_id: UUID | str) -> list[Statement]: ...

    def forget_activity(self, keys: Sequence[str], horizon: datetime) -> list[Statement]: ...

    def after_record(self, statements: Sequence[Statement]) -> None: ...

    def run(self, statements: Sequence[Statement]) -> None: ...

    def migrated(self, name: str) -> bool: ...

    def mark_migrated(self, name: str) -> Statement: ...


class MediaStore(Protocol):
    """Where cleaned photos and their thumbnails are kept, each once by its media id."""

    def put(self, media_id: str, photo: CleanPhoto, at: datetime) -> None:
        """Keep a photo and its thumbnail (a photo already kept is left as it is), pending a
        report that carries it since `at`."""
        ...

    def get(self, media_id: str, thumb: bool = False) -> tuple[bytes, str] | None:
        """The bytes and content type of a photo (or its thumbnail), None if not kept."""
        ...

    def delete(self, media_id: str) -> None:
        """Forget a photo and its thumbnail (idempotent)."""
        ...

    def sweep(self, before: datetime, referenced: Callable[[Sequence[str]], set[str]]) -> list[str]:
        """Forget the photos pending since before `before` that `referenced` says no report
        carries; the ids forgotten."""
        ...


class MediaLinks(Protocol):
    """Which reports carry which photo, whether a person has looked at each report and whether
    moderation hid it; writes
    are statements a batch runs with its events."""

    def link(self, media_id: str, report_id: UUID, rahasia: bool) -> Statement: ...

    def looked_at(self, report_id: UUID, at: datetime) -> Statement: ...

    def moderated(self, report_id: UUID, hidden: bool, at: datetime) -> Statement:
        """The report was hidden from the public (or shown again) by an act at `at`."""
        ...

    def owners(self, media_id: str) -> list[tuple[UUID, bool, bool, bool]]:
        """(report_id, rahasia, looked_at, hidden) of each report carrying the photo."""
        ...

    def referenced(self, media_ids: Sequence[str]) -> set[str]:
        """Which of these photos a recorded report carries."""
        ...
