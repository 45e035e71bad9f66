"""Read your writes: a service_request_id once given answers at once, projected or not.

The face keeps nothing: when tracking does not know an id yet, it asks intake what became of
the report (`GET /v1/reports/{tracking_id}/outcome`, with the face's adapter token). Intake
knows every id the face gave out (a POST's answer or `tokens/{token}`) from the moment it gave
it, so any replica of the face answers the same. Only `open311` reports are answered so, never
a `rahasia` one; the text waits for tracking (which masks it), so `description` is empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.faces.common.backends import Backends, segment
from services.faces.common.catalogue import category, code_of

STATUS_NOTES = {"held": "Tertunda", "archived": "Arsip"}
NOTICE = "Laporan sudah dicatat; rincian dan tindak lanjut menyusul"


def given_request(
    backends: Backends, tracking_id: str, api_key: str | None
) -> dict[str, Any] | None:
    """The provisional request intake vouches for, or None."""
    if not api_key:
        return None
    path = f"/v1/reports/{segment(tracking_id)}/outcome"
    reply = backends.call("GET", "intake", path, api_key)
    if reply.status_code != 200:
        return None
    outcome: dict[str, Any] = reply.json()
    if outcome.get("channel") != "open311" or outcome.get("rahasia"):
        return None
    return provisional(outcome)


def provisional(outcome: dict[str, Any]) -> dict[str, Any]:
    """A request document from intake's outcome: open (closed once archived), no text yet."""
    code = code_of(outcome.get("category"), None)
    item = category(code)
    notes = STATUS_NOTES.get(outcome["status"], "Belum Terverifikasi")
    requested = datetime.fromisoformat(outcome["received_at"]).isoformat()
    return {
        "service_request_id": outcome["tracking_id"],
        "status": "closed" if outcome["status"] == "archived" else "open",
        "status_notes": notes,
        "service_name": item.name if item else None,
        "service_code": code,
        "description": None,
        "agency_responsible": None,
        "service_notice": NOTICE,
        "requested_datetime": requested,
        "updated_datetime": requested,
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
