"""Replies, ratings and status requests by channel: only the report's own contact is heard."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.bookkeeping import BatchBooks
from intake.application.keyring import KeyRing
from intake.domain.identity import Identity
from intake.domain.replies import REPLY, Command, Correspondence
from intake.domain.report import Report, Submission
from shared.contracts import IntakeMessage
from shared.processing import BatchProcessApplication

UNKNOWN_REPORT = "nomor laporan {id} tidak dikenal"
ERASED = "identitas pelapor laporan {id} telah dihapus; pesan tidak dapat dikaitkan"
OTHER_CHANNEL = "laporan {id} masuk lewat kanal lain; kirim dari kanal yang sama"
OTHER_CONTACT = "pesan tentang laporan {id} hanya diterima dari kontak pelapornya"


class ReplyDesk:
    """Records a message about an existing report as the reporter's, or refuses it."""

    def __init__(self, app: BatchProcessApplication, keyring: KeyRing, books: BatchBooks) -> None:
        self._app = app
        self._keyring = keyring
        self._books = books

    def handle(
        self,
        batch: ProcessingEvent[UUID],
        message_report_id: UUID,
        message: IntakeMessage,
        command: Command,
        sub: Submission,
    ) -> bool:
        """True when recorded here; False when the message is to be a new report instead."""
        original = self._report(batch, command.tracking_id)
        refusal = self._check_sender(batch, original, command.tracking_id, message)
        if command.kind == REPLY and refusal is not None:
            return False  # from anyone else a reply is an ordinary new report
        refusal = refusal or command.problem
        about = original if refusal is None else None
        entry = Correspondence(
            id=message_report_id,
            kind=command.kind,
            report_id=about.id if about else None,
            tracking_id=about.tracking_id if about else None,
            channel=sub.channel,
            message_id=sub.message_id,
            received_at=sub.received_at,
            text=command.text if about else "",
            rating=command.rating if about else None,
            refusal=refusal,
        )
        batch.collect_events(entry)
        return True

    def _report(self, batch: ProcessingEvent[UUID], tracking_id: str) -> Report | None:
        if not tracking_id:
            return None
        report_id = self._books.report_with(batch, tracking_id)
        return None if report_id is None else self._app.load(batch, report_id, Report)

    def _check_sender(
        self,
        batch: ProcessingEvent[UUID],
        original: Report | None,
        tracking_id: str,
        message: IntakeMessage,
    ) -> str | None:
        """None when the sender is the report's reporter on its channel; else the reason."""
        if original is None:
            return UNKNOWN_REPORT.format(id=tracking_id or "(kosong)")
        channel = message.channel.value
        if original.submission.channel != channel:
            return OTHER_CHANNEL.format(id=original.tracking_id)
        known = self._keyring.unseal(batch, original.reporter_ref, original.sealed_identity)
        if known is None:
            return ERASED.format(id=original.tracking_id)
        sender = Identity.from_dict(message.reporter.model_dump(mode="json"))
        if not set(sender.flood_keys(channel)) & set(known.identity.flood_keys(channel)):
            return OTHER_CONTACT.format(id=original.tracking_id)
        return None
