"""Citizens' photos: kept once by content hash, linked to the reports that carry them, shown to
whoever may see them."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.ports import Books, MediaLinks, MediaStore
from intake.domain.photos import (
    MEDIA_ID,
    CleanPhoto,
    PhotoNotPublic,
    PhotoOwner,
    TooManyPhotos,
    UnknownMedia,
    is_public,
    may_see,
    media_ids,
    media_url,
)
from intake.domain.report import Report
from shared.processing import Batch, Statement

if TYPE_CHECKING:
    from intake.application.app import IntakeApplication


CLEANING_AT_ONCE = 2  # decoding a 25 MP photo takes a core: uploads wait rather than pile up


@dataclass(frozen=True)
class PhotoParts:
    """What the photo desk is built from: the store, the cleaner, the links table, the base URL."""

    store: MediaStore
    clean: Callable[[bytes], CleanPhoto]
    links: Callable[[Books], MediaLinks]
    base_url: str = ""
    max_photos: int = 5
    orphan_grace: timedelta = timedelta(hours=24)  # kept for no report this long: swept


@dataclass(frozen=True)
class Swept:
    """What a sweep forgot: photos kept before `kept_before` that no report carries."""

    forgotten: list[str]
    kept_before: datetime


@dataclass(frozen=True)
class Served:
    """A photo's bytes for one caller, and whether anyone at all may see it (caching)."""

    content: bytes
    content_type: str
    public: bool


class PhotoDesk:
    """Keeps cleaned photos, links them to reports, and serves them by who may see them."""

    def __init__(self, app: IntakeApplication, parts: PhotoParts, books: Books) -> None:
        self._app = app
        self._parts = parts
        self._links = parts.links(books)
        self.max_photos = parts.max_photos
        self._cleaning = threading.BoundedSemaphore(CLEANING_AT_ONCE)

    def clean(self, photos: Sequence[bytes]) -> list[CleanPhoto]:
        """Every photo cleaned, or the first refusal (nothing is kept before all pass)."""
        if len(photos) > self._parts.max_photos:
            raise TooManyPhotos(f"paling banyak {self._parts.max_photos} foto per laporan")
        with self._cleaning:
            return [self._parts.clean(raw) for raw in photos]

    def keep(self, photos: Sequence[CleanPhoto]) -> list[str]:
        """Store cleaned photos; their URLs for the report's attachments."""
        found = []
        for photo in photos:
            media_id = hashlib.sha256(photo.content).hexdigest()
            self._parts.store.put(media_id, photo, self._app.clock.now())
            found.append(media_id)
        return [media_url(self._parts.base_url, media_id) for media_id in found]

    def forget_unlinked(self, urls: Sequence[str]) -> None:
        """The report was not recorded: drop the photos no report carries."""
        for media_id in media_ids(urls):
            if not self._links.owners(media_id):
                self._parts.store.delete(media_id)

    def sweep(self) -> Swept:
        """Forget the photos no report carries, kept longer ago than the grace period (a crash
        or a refusal between keeping a photo and recording its report left them)."""
        before = self._app.clock.now() - self._parts.orphan_grace
        return Swept(self._parts.store.sweep(before, self._links.referenced), before)

    def link(self, batch: ProcessingEvent[UUID], report: Report) -> None:
        """The report's photos belong to it (written with its events)."""
        sub = report.submission
        for media_id in media_ids(sub.attachments) if sub.attachments else ():
            _run(batch, self._links.link(media_id, report.id, sub.rahasia))

    def looked_at(self, batch: ProcessingEvent[UUID], report_id: UUID, at: datetime) -> None:
        """A person looked at the report: its photos may be public (unless it is rahasia)."""
        _run(batch, self._links.looked_at(report_id, at))

    def moderated(
        self, batch: ProcessingEvent[UUID], report_id: UUID, hidden: bool, at: datetime
    ) -> None:
        """Moderation hid the report (staff only again) or showed it again."""
        _run(batch, self._links.moderated(report_id, hidden, at))

    def open(self, media_id: str, role: str | None, thumb: bool = False) -> Served:
        """The photo for a caller of this role (None: the public); UnknownMedia otherwise."""
        owners = self._owners(media_id, wanted_bodies=bool(role and role.startswith("skpd:")))
        if owners and role is None and not may_see(owners, role):
            raise PhotoNotPublic("foto ini belum publik: hanya petugas yang dapat melihatnya")
        if not owners or not may_see(owners, role):
            raise UnknownMedia(f"tidak ada foto {media_id} yang boleh Anda lihat")
        found = self._parts.store.get(media_id, thumb)
        if found is None:
            raise UnknownMedia(f"foto {media_id} tidak tersimpan")
        return Served(found[0], found[1], is_public(owners))

    def _owners(self, media_id: str, wanted_bodies: bool) -> list[PhotoOwner]:
        if not MEDIA_ID.match(media_id):
            return []
        return [
            PhotoOwner(rahasia, looked_at, self._bodies(report_id) if wanted_bodies else (), hidden)
            for report_id, rahasia, looked_at, hidden in self._links.owners(media_id)
        ]

    def _bodies(self, report_id: UUID) -> tuple[str, ...]:
        return self._app.vault.access.bodies(None, report_id)


def _run(batch: ProcessingEvent[UUID], statement: Statement) -> None:
    if not isinstance(batch, Batch):
        raise TypeError("intake records its tables only within a Batch")
    batch.also_run(*statement)
