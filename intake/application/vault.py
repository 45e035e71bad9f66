"""The identity vault's rules: who may see a reporter's contact, every look-up audited, erasure
per person.

A delivering adapter also gets the reporter's personal status link (its secret derived from the
reporter's key, never stored nor published), and is refused a contact that sent STOP or that
someone else typed into a form and that had its few messages today.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.bookkeeping import run_in
from intake.application.contacts import ContactDesk
from intake.application.erasure import Eraser
from intake.application.keyring import KeyRing
from intake.application.views import DeliveryAddress, IdentityRead
from intake.domain.errors import IdentityErased, LookUpRefused, UnknownReporterRef
from intake.domain.identity import Identity
from intake.domain.report import Report
from intake.domain.vault import LOOKED_UP, REFUSED, LookUp, ReporterRow, Sealed
from shared.logging import get_logger

if TYPE_CHECKING:
    from intake.application.app import IntakeApplication

log = get_logger(__name__)
Delivery = Callable[[Report, Identity], "str | None"]

ANONIM = "laporan anonim: identitas pelapor tidak dibuka untuk SKPD"
NOT_DISPOSED = "laporan tidak didisposisikan ke {code}: identitas pelapor tidak dibuka"
ERASED = "identitas pelapor telah dihapus atas permintaan pelapor"
DELIVERING = "adapter"  # the role whose look-ups are deliveries (capped, STOP honoured)
# never an SKPD: the link speaks as the reporter
LINK_ROLES = frozenset({"adapter", "notification"})
STATUS_PATH = "/pantau/"


class Vault(Eraser):
    """Resolves reporter refs for roles that may see them; erases people by destroying keys."""

    def __init__(
        self, app: IntakeApplication, keyring: KeyRing, contacts: ContactDesk, web_url: str
    ) -> None:
        super().__init__(app, keyring)
        self.contacts = contacts
        self._link_base = web_url.rstrip("/") + STATUS_PATH

    def look_up(
        self, reporter_ref: str, role: str, contact: str | None = None, name: str = ""
    ) -> DeliveryAddress:
        """The delivery address, or a refusal; either way a row in the look-up log.

        `contact` (email, phone) names the contact an adapter delivers to; without it, the one
        notification chooses for the report's channel."""
        decided: list[str | None] = []  # a retried write must not count a message twice

        def delivery(report: Report, who: Identity) -> str | None:
            if not decided:
                now, channel = self._app.clock.now(), report.submission.channel
                decided.append(self.contacts.delivery_refusal(who, channel, contact, now))
            return decided[0]

        row = self.entry(reporter_ref)
        found = self._app.write(lambda batch: self._answer(batch, row, role, name, delivery))
        if isinstance(found, DeliveryAddress):
            log.info("identity-looked-up", reporter_ref=reporter_ref, report_id=row.report_id,
                     role=role)  # fmt: skip
            return found
        log.warning("identity-look-up-refused", reporter_ref=reporter_ref,
                    report_id=row.report_id, role=role)  # fmt: skip
        raise found

    def _answer(
        self, batch: ProcessingEvent[UUID], row: ReporterRow, role: str, name: str,
        delivery: Delivery,
    ) -> DeliveryAddress | LookUpRefused | IdentityErased:  # fmt: skip
        report: Report = self._app.repository.get(UUID(row.report_id))
        sealed = self.keyring.unseal(batch, row.reporter_ref, report.sealed_identity)
        refusal = ERASED if sealed is None else self._refusal(batch, report, role)
        if refusal is None and sealed is not None and role == DELIVERING:
            refusal = delivery(report, sealed.identity)
        self._log(batch, row.reporter_ref, role, name, refusal)
        if refusal is not None:
            return IdentityErased(refusal) if sealed is None else LookUpRefused(refusal)
        who = sealed.identity if sealed else Identity()
        link = self._status_link(batch, row.reporter_ref) if role in LINK_ROLES else None
        return DeliveryAddress(
            row.reporter_ref, report.submission.channel, who.name, who.phone, who.email,
            who.handle, status_link=link,
        )  # fmt: skip

    def _log(
        self, batch: ProcessingEvent[UUID], ref: str, role: str, name: str, refusal: str | None
    ) -> None:
        now = self._app.clock.now()
        outcome = LOOKED_UP if refusal is None else REFUSED
        run_in(batch, [self.keyring.rows.note_look_up(ref, LookUp(now, role, outcome, refusal,
                                                                     name))])  # fmt: skip

    def _status_link(self, batch: ProcessingEvent[UUID], reporter_ref: str) -> str | None:
        secret = self.keyring.status_secret(batch, reporter_ref)
        return None if secret is None else self._link_base + secret

    def _refusal(self, batch: ProcessingEvent[UUID], report: Report, role: str) -> str | None:
        """Why this role may not see the contact (None: it may)."""
        if not role.startswith("skpd:"):
            return None
        code = role.split(":", 1)[1]
        if report.submission.anonim:
            return ANONIM
        bodies = self.access.bodies(batch, report.id)
        return None if code in bodies else NOT_DISPOSED.format(code=code)

    def identity(self, tracking_id: str, role: str, name: str = "") -> IdentityRead:
        """The admin's read of a reporter's identity and the unmasked words (logged)."""
        report = self._app.report_by_tracking_id(tracking_id)
        row = self.entry(report.reporter_ref)

        def read(batch: ProcessingEvent[UUID]) -> Sealed | None:
            sealed = self.keyring.unseal(batch, row.reporter_ref, report.sealed_identity)
            self._log(batch, row.reporter_ref, role, name, None if sealed else ERASED)
            return sealed

        sealed = self._app.write(read)
        log.info("identity-read", tracking_id=tracking_id, role=role, name=name)
        if sealed is None:
            raise IdentityErased(ERASED)
        who, sub = sealed.identity, report.submission
        return IdentityRead(
            report.tracking_id, report.reporter_ref, sub.channel, who.name, who.phone, who.email,
            who.handle, who.nik, sealed.title if sealed.title is not None else sub.title,
            sealed.text if sealed.text is not None else sub.text,
            masked=sealed.title is not None or sealed.text is not None,
        )  # fmt: skip

    def history(self, tracking_id: str) -> list[LookUp]:
        """Every look-up and refusal of the report's reporter, oldest first."""
        report = self._app.report_by_tracking_id(tracking_id)
        return self.keyring.rows.look_ups(report.reporter_ref)

    def entry(self, reporter_ref: str) -> ReporterRow:
        """Where a reporter_ref leads."""
        row = self.keyring.reporter(None, reporter_ref)
        if row is None:
            raise UnknownReporterRef(f"unknown reporter_ref {reporter_ref}")
        return row
