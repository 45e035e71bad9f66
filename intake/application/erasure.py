"""Erasure per person (UU 27/2022): destroying a person's keys makes every report of theirs
unreadable at once; the history stays, and an `Erasure` event names who asked."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.access import Access
from intake.application.bookkeeping import run_in
from intake.application.keyring import KeyRing
from intake.application.views import Erasure as Erased
from intake.application.views import PersonErasure
from intake.domain.errors import UnknownContact
from intake.domain.vault import Erasure, ReporterRow, contact_keys_named
from shared.logging import get_logger
from shared.processing import derived_id

if TYPE_CHECKING:
    from intake.application.app import IntakeApplication

log = get_logger(__name__)


class Eraser:
    """Erases people: by a contact on a channel, or as the reporter of one report."""

    def __init__(self, app: IntakeApplication, keyring: KeyRing) -> None:
        self._app = app
        self.keyring = keyring
        self.access = Access(keyring.rows)

    def erase_person(self, channel: str, contact: str, role: str, name: str = "") -> PersonErasure:
        """Every report sent from this contact on this channel, erased in one transaction."""
        digests = contact_keys_named(channel, contact, self.keyring.contact_secret)
        found = self.keyring.rows.reporters_with_contacts(digests)
        if not found:
            raise UnknownContact("tidak ada laporan (yang belum dihapus) dari kontak ini")
        person = f"contact:{digests[0]}"
        tracking_ids, at = self._erase(person, {r.key_id for r in found}, role, name)
        log.info("person-erased", channel=channel, reports=len(tracking_ids), by=role, name=name)
        return PersonErasure(channel, tracking_ids, at)

    def erase(self, tracking_id: str, role: str, name: str = "") -> Erased:
        """The reporter of this report erased, with every report sealed under their key
        (idempotent: a second call answers the first erasure)."""
        report = self._app.report_by_tracking_id(tracking_id)
        row = self.keyring.reporter(None, report.reporter_ref)
        if row is None:
            raise UnknownContact(f"laporan {tracking_id} tidak punya identitas tersimpan")
        if row.erased_at is not None:
            same = self.keyring.rows.reporters_with_keys([row.key_id])
            return Erased(tracking_id, row.erased_at, _ids(same, row.erased_at))
        tracking_ids, at = self._erase(f"key:{row.key_id}", {row.key_id}, role, name)
        log.info("identity-erased", tracking_id=tracking_id, by=role, name=name)
        return Erased(tracking_id, at, tracking_ids)

    def _erase(
        self, person: str, key_ids: set[str], role: str, name: str
    ) -> tuple[tuple[str, ...], datetime]:
        at = self._app.clock.now()
        keys = sorted(key_ids)
        reports = self.keyring.rows.reporters_with_keys(keys)
        tracking_ids = tuple(r.tracking_id for r in reports if r.erased_at is None)

        def record(batch: ProcessingEvent[UUID]) -> None:
            run_in(batch, self.keyring.rows.erase(keys, at))
            audit = Erasure(
                id=derived_id("erasure", person, at.isoformat()), person=person,
                tracking_ids=list(tracking_ids), at=at, actor={"role": role, "name": name},
            )  # fmt: skip
            batch.collect_events(audit)

        self._app.write(record)
        self.keyring.rows.scrub()
        return tracking_ids, at


def _ids(rows: list[ReporterRow], at: datetime) -> tuple[str, ...]:
    return tuple(r.tracking_id for r in rows if r.erased_at == at)
