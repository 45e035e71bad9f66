"""What every media store shares: a photo's two parts, and the sweep of photos no report carries.

A photo is kept before its report is recorded, so a crash or a refusal in between leaves it
carried by no report. Each store remembers, per photo, when it was last kept while no report was
known to carry it ("pending"); `sweep` forgets the pending photos kept before a moment (the grace
period ago) that no report carries, and settles those a report does carry. Keeping a photo again
(the same bytes in another upload) makes it pending from that moment, so a photo of a report
being recorded right now is never old enough to sweep; and the store itself asks whether a report
carries a photo just before it forgets it, forgetting only what is still pending since before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from intake.domain.photos import CleanPhoto

FULL, THUMB = "full", "thumb"
SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
TYPES = {suffix: content_type for content_type, suffix in SUFFIXES.items()}
SWEEP_BATCH = 500  # pending photos looked at per round of a sweep
Referenced = Callable[[Sequence[str]], set[str]]


def parts(photo: CleanPhoto) -> dict[str, tuple[bytes, str]]:
    """The photo and its thumbnail, by kind."""
    return {FULL: (photo.content, photo.content_type), THUMB: (photo.thumb, photo.thumb_type)}


class Sweeping:
    """The sweep, on three primitives each store provides."""

    def sweep(self, before: datetime, referenced: Referenced) -> list[str]:
        """Forget the photos kept before `before` that no report carries; their ids."""
        forgotten: list[str] = []
        while batch := self._pending_before(before.timestamp(), SWEEP_BATCH):
            carried = referenced(batch)
            self._settle([m for m in batch if m in carried])
            forgotten += self._forget_pending([m for m in batch if m not in carried], before)
            if len(batch) < SWEEP_BATCH:
                break
        return forgotten

    def _pending_before(self, moment: float, limit: int) -> list[str]:
        """Up to `limit` photos pending since before `moment` (a POSIX timestamp)."""
        raise NotImplementedError

    def _settle(self, media_ids: list[str]) -> None:
        """A report carries these: no sweep looks at them again (until they are kept anew)."""
        raise NotImplementedError

    def _forget_pending(self, media_ids: list[str], before: datetime) -> list[str]:
        """Forget those still pending since before `before` (not kept again meanwhile)."""
        raise NotImplementedError
