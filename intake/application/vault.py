"""The identity vault's rules: who may see a reporter's contact, every look-up audited, erasure.

A delivering adapter also gets the reporter's personal status link (its secret derived from the
reporter's key, never stored nor published), and is refused a contact that sent STOP or that
someone else typed into a form and that had its few messages today.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from intake.application import ids
from intake.application.contacts import ContactDesk
from intake.application.ports import IdentitySealer
from intake.application.views import DeliveryAddress, Erasure
from intake.domain.access import ReportAccess
from intake.domain.errors import IdentityErased, LookUpRefused, UnknownReporterRef
from intake.domain.identity import Identity
from intake.domain.report import Report
from intake.domain.vault import LookUp, VaultEntry
from shared.logging import get_logger

if TYPE_CHECKING:
    from intake.application.app import IntakeApplication

log = get_logger(__name__)
Delivery = Callable[[Report, dict[str, Any]], "str | None"]

ANONIM = "laporan anonim: identitas pelapor tidak dibuka untuk SKPD"
NOT_DISPOSED = "laporan tidak didisposisikan ke {code}: identitas pelapor tidak dibuka"
ERASED = "identitas pelapor telah dihapus atas permintaan pelapor"
DELIVERING = "adapter"  # the role whose look-ups are deliveries (capped, STOP honoured)
# never an SKPD: the link speaks as the reporter
LINK_ROLES = frozenset({"adapter", "notification"})
STATUS_PATH = "/pantau/"


class Vault:
    """Resolves reporter refs for roles that may see them; erases identities by destroying keys."""

    def __init__(
        self, app: IntakeApplication, sealer: IdentitySealer, contacts: ContactDesk, web_url: str
    ) -> None:
        self._app = app
        self.sealer = sealer
        self.contacts = contacts
        self._link_base = web_url.rstrip("/") + STATUS_PATH

    def look_up(self, reporter_ref: str, role: str, contact: str | None = None) -> DeliveryAddress:
        """The delivery address, or a refusal; either way an event in the vault entry.

        `contact` (email, phone) names the contact an adapter delivers to; without it, the one
        notification chooses for the report's channel."""
        decided: list[str | None] = []  # a retried write must not count a message twice

        def delivery(report: Report, known: dict[str, Any]) -> str | None:
            if not decided:
                who, channel = Identity.from_dict(known), report.submission.channel
                now = self._app.clock.now()
                decided.append(self.contacts.delivery_refusal(who, channel, contact, now))
            return decided[0]

        report_id, found = self._app.write(
            lambda batch: self._look_up(batch, reporter_ref, role, delivery)
        )
        if isinstance(found, DeliveryAddress):
            log.info(
                "identity-looked-up", reporter_ref=reporter_ref, report_id=report_id, role=role
            )
            return found
        log.warning(
            "identity-look-up-refused", reporter_ref=reporter_ref, report_id=report_id, role=role
        )
        raise found

    def _look_up(
        self, batch: ProcessingEvent[UUID], reporter_ref: str, role: str, delivery: Delivery
    ) -> tuple[str, DeliveryAddress | LookUpRefused | IdentityErased]:
        entry = self.entry(reporter_ref)
        return str(entry.report_id), self._answer(batch, entry, role, delivery)

    def _answer(
        self, batch: ProcessingEvent[UUID], entry: VaultEntry, role: str, delivery: Delivery
    ) -> DeliveryAddress | LookUpRefused | IdentityErased:
        reporter_ref = entry.reporter_ref
        report: Report = self._app.repository.get(entry.report_id)
        now = self._app.clock.now()
        known = (
            None if entry.erased_at else self.sealer.unseal(reporter_ref, report.sealed_identity)
        )
        refusal = ERASED if known is None else self._refusal(report, role)
        if refusal is None and known is not None and role == DELIVERING:
            refusal = delivery(report, known)
        if refusal is not None:
            entry.record_refusal(role=role, at=now, reason=refusal)
            batch.collect_events(entry)
            return IdentityErased(refusal) if known is None else LookUpRefused(refusal)
        entry.record_look_up(role=role, at=now)
        batch.collect_events(entry)
        who = Identity.from_dict(known or {})
        channel = report.submission.channel
        return DeliveryAddress(
            reporter_ref, channel, who.name, who.phone, who.email, who.handle,
            status_link=self._status_link(reporter_ref) if role in LINK_ROLES else None,
        )  # fmt: skip

    def _status_link(self, reporter_ref: str) -> str | None:
        secret = self.sealer.status_secret(reporter_ref)
        return None if secret is None else self._link_base + secret

    def _refusal(self, report: Report, role: str) -> str | None:
        """Why this role may not see the contact (None: it may)."""
        if not role.startswith("skpd:"):
            return None
        code = role.split(":", 1)[1]
        if report.submission.anonim:
            return ANONIM
        try:
            access: ReportAccess = self._app.repository.get(ids.access_id(report.id))
        except AggregateNotFoundError:
            return NOT_DISPOSED.format(code=code)
        return None if access.may_see(code) else NOT_DISPOSED.format(code=code)

    def erase(self, tracking_id: str, by: str) -> Erasure:
        """Destroy the key of the report's reporter, then record the erasure (idempotent)."""
        report = self._app.report_by_tracking_id(tracking_id)
        self.sealer.erase(report.reporter_ref)

        def record(batch: ProcessingEvent[UUID]) -> Erasure:
            entry = self.entry(report.reporter_ref)
            if entry.erased_at is None:
                entry.record_erasure(at=self._app.clock.now(), by=by)
                batch.collect_events(entry)
            return Erasure(report.tracking_id, entry.erased_at or self._app.clock.now())

        erased = self._app.write(record)
        log.info("identity-erased", tracking_id=tracking_id, by=by)
        return erased

    def history(self, tracking_id: str) -> list[LookUp]:
        """Every look-up and refusal of the report's reporter, oldest first."""
        report = self._app.report_by_tracking_id(tracking_id)
        return list(self.entry(report.reporter_ref).history)

    def entry(self, reporter_ref: str) -> VaultEntry:
        """The vault entry of a reporter_ref."""
        try:
            entry: object = self._app.repository.get(ids.vault_entry_id(reporter_ref))
        except AggregateNotFoundError:
            raise UnknownReporterRef(f"unknown reporter_ref {reporter_ref}") from None
        if not isinstance(entry, VaultEntry):
            raise UnknownReporterRef(f"unknown reporter_ref {reporter_ref}")
        return entry
