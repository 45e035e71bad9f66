"""Builds the intake service from settings: the one place where parts are wired."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from intake.adapters.books import SqlBooks
from intake.adapters.contacts import MemoryContacts, SqlContacts
from intake.adapters.keys import AesSealer, KeyStore, SqlKeys
from intake.adapters.media import (
    FolderMediaStore,
    MemoryMediaStore,
    SqlMediaLinks,
    SqlMediaStore,
)
from intake.adapters.photos import clean_photo
from intake.adapters.vault_rows import VaultRows
from intake.application.app import IntakeApplication
from intake.application.contacts import ContactDesk
from intake.application.photos import PhotoParts
from intake.application.ports import ContactBook, MediaStore
from intake.application.translate import Translator
from intake.entrypoints.errors import install_error_handlers
from intake.entrypoints.http import intake_router
from intake.entrypoints.media import sweeping
from intake.settings import IntakeSettings
from shared import topics
from shared.clock import Clock, clock_for
from shared.contracts import (
    ReportAccepted,
    ReportArchived,
    ReporterRatingReceived,
    ReporterReplyReceived,
    ReporterStatusRequested,
    ReportHeld,
    ReportLinkedAsDuplicate,
)
from shared.db import event_store_env
from shared.runtime import ServiceSpec, Subscription
from shared.tokens.wiring import projected_tokens

SERVICE = "intake"
PUBLISHED = (
    ReportAccepted,
    ReportHeld,
    ReportArchived,
    ReportLinkedAsDuplicate,
    ReporterReplyReceived,
    ReporterRatingReceived,
    ReporterStatusRequested,
)


def _tables_url(store_env: dict[str, str], database_url: str, name: str) -> str | None:
    """Vault tables live beside the event store: memory (None), a SQLite file, or its database."""
    module = store_env.get("PERSISTENCE_MODULE")
    if module == "eventsourcing.popo" or ":memory:" in store_env.get("SQLITE_DBNAME", ""):
        return None
    if module == "eventsourcing.sqlite" and store_env.get("SQLITE_DBNAME"):
        events = Path(store_env["SQLITE_DBNAME"])
        return f"sqlite:///{events.with_name(f'{events.stem}-{name}.sqlite')}"
    return database_url


def _legacy_keys(store_env: dict[str, str], database_url: str) -> KeyStore | None:
    """Where main kept one key per report before keys per reporter (read once to migrate)."""
    url = _tables_url(store_env, database_url, "keys")
    if url is None or (url.startswith("sqlite:///") and not Path(url[10:]).exists()):
        return None
    return SqlKeys(url)


def _contact_book(store_env: dict[str, str], database_url: str) -> ContactBook:
    """The contact digests: confirmed, STOP, messages today."""
    url = _tables_url(store_env, database_url, "contacts")
    return MemoryContacts() if url is None else SqlContacts(url)


def _media_store(store_env: dict[str, str], database_url: str) -> MediaStore:
    """A folder beside the SQLite event store; with PostgreSQL a table replicas share."""
    url = _tables_url(store_env, database_url, "media")
    if url is None:
        return MemoryMediaStore()
    if url.startswith("sqlite"):
        return FolderMediaStore(Path(store_env["SQLITE_DBNAME"]).with_name("intake-media"))
    return SqlMediaStore(url)


def _photo_parts(settings: IntakeSettings, store: MediaStore) -> PhotoParts:
    rules = settings.photo_rules()
    return PhotoParts(
        store=store,
        clean=partial(clean_photo, rules=rules),
        links=SqlMediaLinks,
        base_url=settings.media_base_url,
        max_photos=rules.max_photos,
        orphan_grace=timedelta(hours=settings.photo_orphan_grace_hours),
    )


def bootstrap(
    settings: IntakeSettings | None = None,
    *,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
    keys: KeyStore | None = None,
    media: MediaStore | None = None,
) -> ServiceSpec:
    """The intake service: its application, subscriptions, routes and published events.

    `keys` is where a store written before keys per reporter kept one key per report (migrated
    once at start); today's keys live in the event store's own tables."""
    settings = settings or IntakeSettings()
    common = settings.common
    clock = clock or clock_for(common.test_mode)
    store_env = event_store_env(common, SERVICE, env)
    keys = keys or _legacy_keys(store_env, common.read_model_url(SERVICE))
    book = _contact_book(store_env, common.read_model_url(SERVICE))
    media = media or _media_store(store_env, common.read_model_url(SERVICE))
    contacts = ContactDesk(
        book, settings.contact_rules(), settings.contact_key.get_secret_value().encode()
    )
    app = IntakeApplication(
        settings.screening_rules(),
        settings.tracking_format(),
        clock,
        cipher=AesSealer(),
        books=SqlBooks,
        vault_rows=lambda books: VaultRows(books.db),  # type: ignore[attr-defined]
        legacy_keys=keys,
        duplicate_rules=settings.duplicate_rules(),
        contacts=contacts,
        web_url=settings.public_web_url,
        photos=_photo_parts(settings, media),
        sms_channels=settings.sms_form_channels,
        env=store_env,
    )
    tokens = projected_tokens(
        common, name=SERVICE, table_url=common.read_model_url(SERVICE), clock=clock
    )
    return ServiceSpec(
        name=SERVICE,
        common=common,
        application=app,
        translate=Translator(app.repository),
        tokens=tokens,
        clock=clock,
        subscriptions=[
            Subscription(
                name="intake",
                topics=[topics.INTAKE],
                processor=app,
                description="Records each adapter message once as a screened report or a reply",
            ),
            Subscription(
                name="awareness",
                topics=[topics.DISPOSITIONS, topics.CASES],
                processor=app,
                description="Learns which bodies may see a report's contact and which reports "
                "are still open (duplicate candidates)",
            ),
        ],
        routers=[intake_router(app, tokens, settings)],
        publishes=[(topics.REPORTS, event) for event in PUBLISHED],
        install_handlers=[install_error_handlers],
        singletons=[sweeping(app, settings.photo_sweep_minutes * 60)],
        on_close=[
            app.submissions.close,
            *(
                store.close
                for store in (keys, book, media)
                if isinstance(store, SqlKeys | SqlContacts | SqlMediaStore)
            ),
        ],
        description="Validates, screens and records citizen reports; keeps the identity vault.",
    )
