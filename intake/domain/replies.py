"""Messages about an existing report: a reply (tanggapan), a rating (NILAI), a status request (CEK).

`read_command` recognises them in a message's text; `Correspondence` records one such message
once, either taken as the reporter's (reply, rating, status-request) or refused with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

REPLY = "reply"
RATING = "rating"
STATUS_REQUEST = "status-request"
REFUSED = "archived"  # the status a refused command shows (no report was made of it)

# Crockford base32 reads O as 0 and I, L as 1: an id typed from memory still matches.
_CROCKFORD_READING = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class Command:
    """What a message asks about a report; `problem` says why it cannot be obeyed as written."""

    kind: str
    tracking_id: str
    text: str = ""
    rating: int | None = None
    problem: str | None = None


def _id_pattern(prefix: str) -> str:
    return rf"(?P<id>{re.escape(prefix)}-[0-9A-Za-z]{{4,31}})"


def normalise_tracking_id(raw: str, prefix: str) -> str:
    """Upper case, and the random part read the Crockford way."""
    head, _, tail = raw.upper().partition("-")
    return f"{head}-{tail.translate(_CROCKFORD_READING)}" if head == prefix else raw.upper()


def read_command(text: str, prefix: str) -> Command | None:
    """The command a text starts with, or None when it is an ordinary report."""
    tid = _id_pattern(prefix)
    stripped = text.strip()
    if re.match(r"(?i)^CEK\b", stripped):
        found = re.match(rf"(?i)^CEK\s+{tid}\b", stripped)
        if found is None:
            return Command(STATUS_REQUEST, "", problem="format CEK salah: CEK <nomor laporan>")
        return Command(STATUS_REQUEST, normalise_tracking_id(found["id"], prefix))
    if re.match(r"(?i)^NILAI\b", stripped):
        return _rating(stripped, tid, prefix)
    found = re.match(rf"(?is)^(?:BALAS\s+)?{tid}\b[\s:,.;-]*(?P<rest>.*)$", stripped)
    if found is None:
        return None
    tracking_id = normalise_tracking_id(found["id"], prefix)
    rest = found["rest"].strip()
    if not rest:
        return Command(
            REPLY, tracking_id, problem="tanggapan kosong: tulis tanggapan setelah nomor"
        )
    return Command(REPLY, tracking_id, text=rest)


def _rating(text: str, tid: str, prefix: str) -> Command:
    found = re.match(rf"(?is)^NILAI\s+{tid}\s+(?P<score>\d+)\b[\s:,.;-]*(?P<rest>.*)$", text)
    if found is None:
        return Command(RATING, "", problem="format NILAI salah: NILAI <nomor laporan> <1-5>")
    tracking_id = normalise_tracking_id(found["id"], prefix)
    score = int(found["score"])
    if not 1 <= score <= 5:
        return Command(RATING, tracking_id, problem="nilai harus angka 1 sampai 5")
    return Command(RATING, tracking_id, text=found["rest"].strip()[:500], rating=score)


class Correspondence(Aggregate):
    """One message about an existing report: taken as the reporter's, or refused."""

    class Received(Aggregate.Created):
        """A message about an existing report arrived; `refusal` says why it was not taken."""

        kind: str
        report_id: UUID | None
        tracking_id: str | None
        channel: str
        message_id: str
        received_at: datetime
        text: str
        rating: int | None
        refusal: str | None

    @event(Received)
    def __init__(
        self,
        id: UUID,
        kind: str,
        report_id: UUID | None,
        tracking_id: str | None,
        channel: str,
        message_id: str,
        received_at: datetime,
        text: str,
        rating: int | None,
        refusal: str | None,
    ) -> None:
        self.kind = kind
        self.report_id = report_id
        self.tracking_id = tracking_id
        self.channel = channel
        self.message_id = message_id
        self.refusal = refusal

    @property
    def status(self) -> str:
        """reply, rating or status-request; archived when refused."""
        return REFUSED if self.refusal else self.kind
