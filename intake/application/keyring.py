"""Keys per reporter: one key per person (a contact on a channel), made once, read back within
the batch that made it; sealing and unsealing a report's payload; status-link secrets."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.bookkeeping import run_in
from intake.application.per_batch import PerBatch
from intake.application.ports import Cipher, VaultTables
from intake.domain.identity import Identity
from intake.domain.vault import ReporterRow, Sealed, contact_keys, person_in


@dataclass
class _Written:
    """What one batch wrote so far (its statements run in its transaction, unread yet)."""

    keys: dict[str, bytes] = field(default_factory=dict)
    reporters: dict[str, ReporterRow] = field(default_factory=dict)
    stored_keys: dict[str, bytes | None] = field(default_factory=dict)  # read ahead; None: none


class KeyRing:
    """Seals each report under its reporter's key; a destroyed key leaves nothing readable."""

    def __init__(self, rows: VaultTables, cipher: Cipher, contact_secret: bytes) -> None:
        self.rows = rows
        self.cipher = cipher
        self.contact_secret = contact_secret
        self._written = PerBatch(_Written)

    def _of(self, batch: ProcessingEvent[UUID] | None) -> _Written:
        return _Written() if batch is None else self._written.of(batch)

    def read_ahead(self, batch: ProcessingEvent[UUID], key_ids: list[str]) -> None:
        """Read the keys a batch's reports will be sealed under, in one query."""
        if key_ids:
            found = self.rows.keys(key_ids)
            self._of(batch).stored_keys.update((k, found.get(k)) for k in key_ids)

    def contacts(self, identity: Identity, channel: str) -> list[str]:
        """The digests of the contacts a reporter left on a channel; the first names the person."""
        return contact_keys(identity, channel, self.contact_secret)

    def seal(
        self,
        batch: ProcessingEvent[UUID],
        row: ReporterRow,
        channel: str,
        sealed: Sealed,
        contacts: list[str] | None = None,
    ) -> str:
        """The payload sealed under the person's key (made now if the person has none);
        `contacts` are the reporter's (`contacts`), when already known."""
        if contacts is None:
            contacts = self.contacts(sealed.identity, channel)
        person = person_in(contacts)
        row = ReporterRow(row.reporter_ref, row.report_id, row.tracking_id, person or row.key_id)
        written = self._of(batch)
        key = self._key(batch, row.key_id)
        if key is None:
            key = written.keys[row.key_id] = self.cipher.new_key()
            run_in(batch, [self.rows.put_key(row.key_id, key)])
        written.reporters[row.reporter_ref] = row
        run_in(batch, self.rows.add_reporter(row, contacts))
        return self.cipher.seal(key, row.reporter_ref, sealed.as_dict())

    def reporter(
        self, batch: ProcessingEvent[UUID] | None, reporter_ref: str
    ) -> ReporterRow | None:
        """The reporter row (written in this batch or stored)."""
        return self._of(batch).reporters.get(reporter_ref) or self.rows.reporter(reporter_ref)

    def _key(self, batch: ProcessingEvent[UUID] | None, key_id: str) -> bytes | None:
        written = self._of(batch)
        if key_id in written.keys:
            return written.keys[key_id]
        if key_id in written.stored_keys:
            return written.stored_keys[key_id]
        return self.rows.key(key_id)

    def _live_key(self, batch: ProcessingEvent[UUID] | None, reporter_ref: str) -> bytes | None:
        row = self.reporter(batch, reporter_ref)
        return None if row is None or row.erased_at else self._key(batch, row.key_id)

    def unseal(
        self, batch: ProcessingEvent[UUID] | None, reporter_ref: str, sealed: str
    ) -> Sealed | None:
        """What the report sealed; None once its reporter is erased."""
        key = self._live_key(batch, reporter_ref)
        payload = None if key is None else self.cipher.unseal(key, reporter_ref, sealed)
        return None if payload is None else Sealed.from_dict(payload)

    def status_secret(self, batch: ProcessingEvent[UUID], reporter_ref: str) -> str | None:
        """The report's status-link secret (its hash stored to find it); None once erased."""
        key = self._live_key(batch, reporter_ref)
        if key is None:
            return None
        secret = self.cipher.link_secret(key, reporter_ref)
        run_in(batch, [self.rows.put_link(self.cipher.link_hash(secret), reporter_ref)])
        return secret

    def reporter_of(self, secret: str) -> str | None:
        """The reporter_ref a status-link secret belongs to (None: unknown, or erased)."""
        reporter_ref = self.rows.link_owner(self.cipher.link_hash(secret))
        key = self._live_key(None, reporter_ref) if reporter_ref else None
        if reporter_ref is None or key is None:
            return None
        expected = self.cipher.link_secret(key, reporter_ref)
        return reporter_ref if hmac.compare_digest(expected, secret) else None
