"""The personal status link: its secret proves the reporter, as the same channel and contact do.

A reply or a rating sent through it is recorded like `BALAS` / `NILAI` by SMS (a
`Correspondence`, published as `ReporterReplyReceived` / `ReporterRatingReceived`), once per
message id the client chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application import ids
from intake.application.views import IntakeStatus
from intake.domain.errors import UnknownStatusLink
from intake.domain.replies import RATING, REPLY, Correspondence
from intake.domain.report import Report
from shared.contracts import Channel
from shared.logging import get_logger

if TYPE_CHECKING:
    from intake.application.app import IntakeApplication

log = get_logger(__name__)
CHANNEL = Channel.WEB.value  # the reporter answered on the web face
SECRET_FORM = re.compile(r"[A-Za-z0-9_-]{1,100}")  # anything else is unknown alike (404)


@dataclass(frozen=True)
class Linked:
    """The report a status link opens."""

    tracking_id: str
    report_id: UUID
    reporter_ref: str


class StatusLinks:
    """Opens reports by their status-link secret; records replies and ratings sent through it."""

    def __init__(self, app: IntakeApplication) -> None:
        self._app = app

    def open(self, secret: str) -> Linked:
        """The report of a secret; UnknownStatusLink (never a hint why) otherwise."""
        well_formed = SECRET_FORM.fullmatch(secret) is not None
        reporter_ref = self._app.vault.keyring.reporter_of(secret) if well_formed else None
        if reporter_ref is None:
            raise UnknownStatusLink("tautan tidak dikenal")
        entry = self._app.vault.entry(reporter_ref)
        report: Report = self._app.repository.get(UUID(entry.report_id))
        log.info("status-link-opened", report_id=str(report.id))
        return Linked(report.tracking_id, report.id, reporter_ref)

    def reply(self, secret: str, message_id: str, text: str) -> tuple[IntakeStatus, bool]:
        """The reporter's reply (tanggapan); True when recorded now."""
        return self._record(secret, message_id, REPLY, text, None)

    def rate(
        self, secret: str, message_id: str, rating: int, comment: str
    ) -> tuple[IntakeStatus, bool]:
        """The reporter's rating, 1 to 5; True when recorded now."""
        return self._record(secret, message_id, RATING, comment, rating)

    def _record(
        self, secret: str, message_id: str, kind: str, text: str, rating: int | None
    ) -> tuple[IntakeStatus, bool]:
        linked = self.open(secret)
        entry_id = ids.link_message_id(linked.reporter_ref, message_id)
        now = self._app.clock.now()

        def record(batch: ProcessingEvent[UUID]) -> Correspondence | None:
            found = self._app.load(batch, entry_id, Correspondence)
            if found is not None:
                return found
            batch.collect_events(Correspondence(
                id=entry_id, kind=kind, report_id=linked.report_id,
                tracking_id=linked.tracking_id, channel=CHANNEL, message_id=message_id,
                received_at=now, text=text, rating=rating, refusal=None,
            ))  # fmt: skip
            return None

        earlier = self._app.write(record, [entry_id])
        if earlier is None:
            self._confirm(linked, now)
        done = earlier.kind if earlier is not None else kind
        status = IntakeStatus(CHANNEL, message_id, done, linked.tracking_id, None)
        return status, earlier is None

    def _confirm(self, linked: Linked, now: datetime) -> None:
        """Answering through the link proves every contact the reporter left is theirs."""
        report: Report = self._app.repository.get(linked.report_id)
        known = self._app.vault.keyring.unseal(None, linked.reporter_ref, report.sealed_identity)
        if known is not None:
            contacts = self._app.vault.contacts
            contacts.confirm(known.identity, report.submission.channel, now)
