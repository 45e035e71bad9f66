"""Intake's vault tables on both real stores: one key per person even when two writers race,
erasure per person in one transaction, and a store written before keys per reporter migrated on
PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.errors import IdentityErased
from intake.settings import IntakeSettings
from shared.clock import FixedClock
from shared.contracts import Channel, IntakeMessage, Reporter
from tests.integration.intake_old_stores import FIXTURES, old_store_on_postgres

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEXTS = (
    "Jalan berlubang besar di Jl. Kelayan A depan masjid, sudah ada pengendara jatuh",
    "Lampu jalan mati di Jl. Pramuka dekat jembatan sejak seminggu, gelap sekali",
    "Saluran air tersumbat di gang Sungai Miai, air meluap ke jalan setiap hujan",
    "Pohon tumbang menutup jalan di Jl. Veteran dekat sekolah dasar negeri",
)


def _message(message_id: str, text: str, phone: str) -> IntakeMessage:
    return IntakeMessage(
        occurred_at=START, received_at=START, channel=Channel.SMS, message_id=message_id,
        text=text, reporter=Reporter(phone=phone),
    )  # fmt: skip


@pytest.fixture
def open_intake(store_env: dict[str, str]) -> Iterator[Any]:
    opened: list[IntakeApplication] = []

    def open_() -> IntakeApplication:
        settings = IntakeSettings(flood_max_reports=10)
        spec = bootstrap(settings, clock=FixedClock(START), env=dict(store_env))
        opened.append(spec.application)
        return spec.application

    yield open_
    for app in opened:
        app.close()


def test_two_writers_racing_for_a_new_persons_key_end_with_one_key(open_intake: Any) -> None:
    first, second = open_intake(), open_intake()
    phone = "081277770000"
    go = threading.Barrier(2)

    def submit(app: IntakeApplication, n: int) -> None:
        go.wait()
        for k in range(2):
            app.submit(_message(f"race-{n}-{k}", TEXTS[2 * n + k], phone))

    threads = [threading.Thread(target=submit, args=(a, n)) for n, a in enumerate((first, second))]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    ids = [first.intake_status("sms", f"race-{n}-{k}").tracking_id for n in (0, 1) for k in (0, 1)]
    reporters = [first.vault.entry(first.report_by_tracking_id(t or "").reporter_ref) for t in ids]
    assert len({row.key_id for row in reporters}) == 1
    for tracking_id in ids:
        assert first.vault.identity(tracking_id or "", role="admin").phone == phone
    erased = second.vault.erase_person("sms", phone, role="admin", name="Ani")
    assert sorted(erased.tracking_ids) == sorted(t or "" for t in ids)
    for tracking_id in ids:
        with pytest.raises(IdentityErased):
            first.vault.identity(tracking_id or "", role="admin")


def test_a_store_written_before_keys_per_reporter_is_migrated_on_postgres(
    postgres_url: str, tmp_path: Path
) -> None:
    """The fixture's events copied into PostgreSQL in log order, its keys file beside, then read."""
    expected = json.loads((FIXTURES / "pre_vault_expected.json").read_text())
    clock = FixedClock(START + timedelta(minutes=300))
    open_, keys = old_store_on_postgres(postgres_url, "pre_vault_store", tmp_path, clock)
    app = open_()
    people = [expected[f"person-{n}"]["tracking_id"] for n in range(3)]
    assert app.vault.identity(people[0], role="admin").name == "Budi"
    assert app.vault.look_up(expected["person-0"]["reporter_ref"], "skpd:PDAM").name == "Budi"
    with pytest.raises(IdentityErased):
        app.vault.identity(expected["erased"]["tracking_id"], role="admin")
    erased = app.vault.erase_person("sms", "081200000011", role="admin", name="Ani")
    assert sorted(erased.tracking_ids) == sorted(people)
    assert keys.keys() == {}
    app.close()
    keys.close()
