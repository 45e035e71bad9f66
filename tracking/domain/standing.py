"""A case's standing: the facts every case event repeats, so each event tells the whole story.

Who to tell (tracking id, channel, reporter_ref, anonim, rahasia), where the case stands
(status bucket, body) and its current deadline. Stored as a plain dict of primitives.
"""

from __future__ import annotations

from typing import Any

from tracking.domain.deadlines import Deadline
from tracking.domain.status import Status
from tracking.domain.values import Report

Standing = dict[str, Any]

NO_DEADLINE: Standing = {
    "step": None,
    "due_at": None,
    "warn_at": None,
    "warned": False,
    "missed": False,
}


def opening(report: Report, deadline: Deadline) -> Standing:
    """The standing of a case just opened for a received report."""
    return {
        "tracking_id": report.tracking_id,
        "channel": report.channel,
        "kind": report.kind,
        "reporter_ref": report.reporter_ref,
        "anonim": report.anonim,
        "rahasia": report.rahasia,
        "status": Status.BELUM_TERVERIFIKASI.value,
        "skpd_code": None,
        "skpd_name": None,
        **deadline_fields(deadline),
    }


def deadline_fields(deadline: Deadline | None) -> Standing:
    """The deadline part of a standing: a fresh deadline is neither warned nor missed."""
    if deadline is None:
        return dict(NO_DEADLINE)
    return {
        "step": deadline.step,
        "due_at": deadline.due_at,
        "warn_at": deadline.warn_at,
        "warned": False,
        "missed": False,
    }
