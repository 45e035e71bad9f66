"""Intake's media store: cleaned photos and thumbnails, once each by media id, and the photos
kept for no report swept after a grace period (`media_sweep`).

By default the store is a folder under the state directory; with a PostgreSQL server the photos
live in a `bytea` table of intake's database (`media_sql`), so every replica serves every photo.
The table linking photos to reports is `media_links`.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from intake.adapters.media_links import LINK_TABLES, SqlMediaLinks
from intake.adapters.media_sql import SqlMediaStore
from intake.adapters.media_sweep import FULL, SUFFIXES, THUMB, TYPES, Sweeping, parts
from intake.domain.photos import MEDIA_ID, CleanPhoto

__all__ = ["LINK_TABLES", "FolderMediaStore", "MemoryMediaStore", "SqlMediaLinks", "SqlMediaStore"]


class MemoryMediaStore(Sweeping):
    """Photos in a dict (unit tests, in-memory persistence)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[bytes, str]] = {}
        self._pending: dict[str, float] = {}
        self._lock = threading.Lock()

    def put(self, media_id: str, photo: CleanPhoto, at: datetime) -> None:
        with self._lock:
            for kind, item in parts(photo).items():
                self._items.setdefault((media_id, kind), item)
            self._pending[media_id] = at.timestamp()

    def get(self, media_id: str, thumb: bool = False) -> tuple[bytes, str] | None:
        return self._items.get((media_id, THUMB if thumb else FULL))

    def delete(self, media_id: str) -> None:
        with self._lock:
            self._drop(media_id)

    def _drop(self, media_id: str) -> None:
        for kind in (FULL, THUMB):
            self._items.pop((media_id, kind), None)
        self._pending.pop(media_id, None)

    def _pending_before(self, moment: float, limit: int) -> list[str]:
        with self._lock:
            return [m for m, at in self._pending.items() if at < moment][:limit]

    def _settle(self, media_ids: list[str]) -> None:
        with self._lock:
            for media_id in media_ids:
                self._pending.pop(media_id, None)

    def _forget_pending(self, media_ids: list[str], before: datetime) -> list[str]:
        with self._lock:
            moment = before.timestamp()
            old = [m for m in media_ids if self._pending.get(m, moment) < moment]
            for media_id in old:
                self._drop(media_id)
        return old

    def __len__(self) -> int:
        return len(self._items)


class FolderMediaStore(Sweeping):
    """Photos as files `<root>/<ab>/<media id>.<kind><suffix>`, each written atomically.

    A pending photo has an empty marker `<root>/.pending/<media id>` whose modification time is
    when it was last kept. Keeping, forgetting and the sweep's last check hold an exclusive
    `flock` on `<root>/.lock`, so `lapor media sweep` and the service never cross."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pending = root / ".pending"
        if root.is_dir() and not self._pending.is_dir():
            self._mark_kept_before_sweeps()

    def _folder(self, media_id: str) -> Path:
        return self.root / media_id[:2]

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._pending.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield  # the lock goes with the file's closing

    def put(self, media_id: str, photo: CleanPhoto, at: datetime) -> None:
        folder = self._folder(media_id)
        with self._locked():
            folder.mkdir(parents=True, exist_ok=True)
            for kind, (content, content_type) in parts(photo).items():
                target = folder / f"{media_id}.{kind}{SUFFIXES[content_type]}"
                if not target.exists():
                    _write(folder, target, content)
            marker = self._pending / media_id
            marker.touch()
            os.utime(marker, (at.timestamp(), at.timestamp()))

    def get(self, media_id: str, thumb: bool = False) -> tuple[bytes, str] | None:
        kind = THUMB if thumb else FULL
        for path in self._folder(media_id).glob(f"{media_id}.{kind}.*"):
            return path.read_bytes(), TYPES[path.suffix]
        return None

    def delete(self, media_id: str) -> None:
        with self._locked():
            self._drop(media_id)

    def _drop(self, media_id: str) -> None:
        for path in self._folder(media_id).glob(f"{media_id}.*"):
            path.unlink(missing_ok=True)
        (self._pending / media_id).unlink(missing_ok=True)

    def _pending_before(self, moment: float, limit: int) -> list[str]:
        if not self._pending.is_dir():
            return []
        found = []
        with os.scandir(self._pending) as entries:
            for entry in entries:
                if MEDIA_ID.match(entry.name) and entry.stat().st_mtime < moment:
                    found.append(entry.name)
                    if len(found) == limit:
                        break
        return found

    def _settle(self, media_ids: list[str]) -> None:
        for media_id in media_ids:
            (self._pending / media_id).unlink(missing_ok=True)

    def _forget_pending(self, media_ids: list[str], before: datetime) -> list[str]:
        forgotten = []
        with self._locked():
            for media_id in media_ids:
                marker = self._pending / media_id
                if marker.exists() and marker.stat().st_mtime < before.timestamp():
                    self._drop(media_id)
                    forgotten.append(media_id)
        return forgotten

    def _mark_kept_before_sweeps(self) -> None:
        """Photos kept before sweeps existed are pending since the epoch: the first sweep
        settles those a report carries and forgets the others."""
        with self._locked():
            for path in self.root.glob(f"??/*.{FULL}.*"):
                marker = self._pending / path.name.split(".", 1)[0]
                if not marker.exists():  # another process, just started, may have kept it
                    marker.touch()
                    os.utime(marker, (0, 0))

    def files(self) -> list[Path]:
        """Every stored photo file (tests: nothing of a refused photo stays)."""
        found = (p for p in self.root.rglob("*") if p.is_file())
        return sorted(p for p in found if not p.relative_to(self.root).parts[0].startswith("."))


def _write(folder: Path, target: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, target)
