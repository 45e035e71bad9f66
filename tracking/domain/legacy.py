"""Case events stored before version 2 carried a `standing` dict; this reads them as typed."""

from __future__ import annotations

from typing import Any

_STOOD = (
    "tracking_id",
    "channel",
    "kind",
    "reporter_ref",
    "anonim",
    "rahasia",
    "status",
    "skpd_code",
    "skpd_name",
    "due_at",
    "step",
    "warn_at",
)


def upcast_v1_v2(state: dict[str, Any]) -> None:
    """Lift the standing's facts into the event's own typed fields (the store is not touched)."""
    standing = state.pop("standing", None)
    if not isinstance(standing, dict):
        return
    for name in _STOOD:
        state.setdefault(name, standing.get(name))
