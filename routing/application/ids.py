"""Aggregate ids derived from business keys, so every command is idempotent."""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from shared.processing import derived_id


@lru_cache(maxsize=4096)  # asked for when a batch is read, when it is applied, and recorded
def disposition_id(report_id: UUID) -> UUID:
    """The one disposition of a report."""
    return derived_id("disposition", report_id)


def tracking_entry_id(tracking_id: str) -> UUID:
    """The index aggregate of a tracking id in stores written before F3 (now a table)."""
    return derived_id("tracking-id", tracking_id)
