"""Moves the vault of a store written before keys per reporter into the tables, once.

Before, every reporter_ref had a `VaultEntry` aggregate (its report, its look-ups, its erasure),
every disposed report a `ReportAccess` aggregate, and every report a key of its own in a store
written in a transaction of its own. Their events stay in the store (history is never
rewritten); this reads them once, writes what they amount to as rows (each old key copied under
its reporter_ref, each reporter's contacts as digests so erasure per person finds the old reports
too), notes that it ran, and then forgets the old copies of the keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.application import Application

from intake.application.keyring import KeyRing
from intake.application.ports import Books, LegacyKeys
from intake.domain.access import ReportAccess
from intake.domain.report import Report
from intake.domain.vault import ReporterRow, Sealed, VaultEntry, contact_keys
from shared.processing import Statement
from shared.tables import stored_events

MIGRATION = "vault-keys-per-reporter"


def migrate_vault(
    app: Application, books: Books, keyring: KeyRing, legacy: LegacyKeys | None
) -> int:
    """Write the old vault as rows, unless done before; how many statements were run."""
    if books.migrated(MIGRATION):
        return 0
    old_keys = legacy.keys() if legacy else {}
    copied: list[str] = []
    statements = [*_entries(app, keyring, old_keys, copied), *_access(app, keyring)]
    links = legacy.links() if legacy else {}
    statements += [keyring.rows.put_link(h, ref) for h, ref in links.items() if ref in copied]
    books.run([*statements, books.mark_migrated(MIGRATION)])
    if legacy is not None and copied:
        legacy.forget(copied)
    return len(statements)


def _entries(
    app: Application, keyring: KeyRing, old_keys: dict[str, bytes], copied: list[str]
) -> Iterator[Statement]:
    for opened in stored_events(app, VaultEntry, "Opened"):
        entry: VaultEntry = app.repository.get(opened.originator_id)
        report: Report = app.repository.get(entry.report_id)
        ref = entry.reporter_ref
        key = None if entry.erased_at else old_keys.get(ref)
        payload = key and keyring.cipher.unseal(key, ref, report.sealed_identity)
        erased = None if key else (entry.erased_at or report.submission.received_at)
        row = ReporterRow(ref, str(report.id), report.tracking_id, ref, erased)
        contacts = _contacts(keyring, payload, report) if payload else []
        if key is not None:
            copied.append(ref)
            yield keyring.rows.put_key(ref, key, if_new=True)
        yield from keyring.rows.add_reporter(row, contacts)
        yield from (keyring.rows.note_look_up(ref, look_up) for look_up in entry.history)


def _contacts(keyring: KeyRing, payload: dict[str, Any], report: Report) -> list[str]:
    who = Sealed.from_dict(payload).identity
    return contact_keys(who, report.submission.channel, keyring.contact_secret)


def _access(app: Application, keyring: KeyRing) -> Iterator[Statement]:
    for started in stored_events(app, ReportAccess, "Started"):
        access: ReportAccess = app.repository.get(started.originator_id)
        if access.bodies:
            yield keyring.rows.set_bodies(str(access.report_id), access.bodies)
