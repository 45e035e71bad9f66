"""Moderation acts on cases already opened: public flags that hide one, the admin's acts."""

from __future__ import annotations

from datetime import timedelta

from tracking.application.moderation import FlagLimiter, Moderation
from tracking.bootstrap import TrackingParts

ADMIN = ("admin", "Sari Rahmawati")
FLAGGED, HIDDEN, CORRECTED = "LPR-XW000001", "LPR-XC000001", "LPR-XT000001"


def moderation_of(parts: TrackingParts, limit: int = 100) -> Moderation:
    """The moderation use cases over the parts' application and read model."""
    limiter = FlagLimiter(parts.clock, limit, timedelta(hours=1))
    return Moderation(parts.app, parts.views, parts.clock, limiter)


def moderated_lives(parts: TrackingParts) -> None:
    """Three public flags hide a report and the admin shows it; another hidden, one corrected."""
    moderation = moderation_of(parts)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        moderation.flag(FLAGGED, address, "berisi data pribadi")
    moderation.show(FLAGGED, *ADMIN, "sudah ditinjau, tidak melanggar")
    moderation.hide(HIDDEN, *ADMIN, "foto memperlihatkan wajah anak")
    moderation.correct(
        CORRECTED, *ADMIN, "judul memuat nomor telepon",
        title="Jalan berlubang", text="Jalan berlubang di depan sekolah",
    )  # fmt: skip
    parts.projector.catch_up()
