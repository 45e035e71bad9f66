"""A store written by main before keys per reporter (vault entries and report access as
aggregates, one key per report in a file of its own) is migrated once and read by today's vault."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from intake_helpers import START, Feed, message, settings

from intake.adapters.keys import SqlKeys
from intake.application.app import IntakeApplication
from intake.application.vault_migration import MIGRATION
from intake.bootstrap import bootstrap
from intake.domain.errors import IdentityErased, LookUpRefused
from shared.clock import FixedClock
from shared.contracts import Reporter

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "pre_vault_expected.json").read_text())
PERSON = "081200000011"
PEOPLE = ("person-0", "person-1", "person-2")


def _open(folder: Path) -> tuple[IntakeApplication, SqlKeys]:
    keys = SqlKeys(f"sqlite:///{folder / 'intake-events-keys.sqlite'}")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(folder / "intake-events.sqlite"),
    }
    clock = FixedClock(START + timedelta(minutes=300))
    spec = bootstrap(settings(), clock=clock, env=env, keys=keys)
    return spec.application, keys


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[IntakeApplication]:
    folder = tmp_path / "store"
    shutil.copytree(FIXTURES / "pre_vault_store", folder)
    app, keys = _open(folder)
    yield app
    app.close()
    keys.close()


def _ref(name: str) -> str:
    return str(EXPECTED[name]["reporter_ref"])


def _tid(name: str) -> str:
    return str(EXPECTED[name]["tracking_id"])


def test_every_old_reporter_is_still_found_by_notification(old_store: IntakeApplication) -> None:
    for name in (*PEOPLE, "other", "anonim"):
        assert old_store.vault.look_up(_ref(name), "notification").phone is not None


def test_an_old_erasure_stays_erased(old_store: IntakeApplication) -> None:
    with pytest.raises(IdentityErased):
        old_store.vault.look_up(_ref("erased"), "notification")


def test_old_access_still_decides_which_body_sees_the_contact(
    old_store: IntakeApplication,
) -> None:
    assert old_store.vault.look_up(_ref("person-0"), "skpd:PDAM").name == "Budi"
    with pytest.raises(LookUpRefused):
        old_store.vault.look_up(_ref("person-0"), "skpd:DISPERKIM")


def test_old_look_ups_are_kept_in_order(old_store: IntakeApplication) -> None:
    history = old_store.vault.history(_tid("person-0"))
    assert [(i.role, i.outcome) for i in history] == [
        ("skpd:PDAM", "looked-up"),
        ("notification", "looked-up"),
    ]


def test_an_old_status_link_still_opens_its_report(old_store: IntakeApplication) -> None:
    linked = old_store.links.open(EXPECTED["status_link_secret"])
    assert linked.tracking_id == _tid("person-0")


def test_erasing_the_person_erases_their_old_and_new_reports_at_once(
    old_store: IntakeApplication,
) -> None:
    text = "Trotoar rusak di Jl. Lambung Mangkurat depan kantor pos, pejalan kaki terpaksa turun"
    Feed(old_store)(message("person-3", text=text, reporter=Reporter(phone=PERSON)))
    newest = old_store.intake_status("sms", "person-3").tracking_id
    erased = old_store.vault.erase_person("sms", "+62 812-0000-0011", role="admin", name="Ani")
    assert sorted(erased.tracking_ids) == sorted([*(_tid(n) for n in PEOPLE), newest])
    for name in PEOPLE:
        with pytest.raises(IdentityErased):
            old_store.vault.identity(_tid(name), role="admin")
    assert old_store.vault.identity(_tid("other"), role="admin").phone == "081200000022"


def test_the_old_keys_file_no_longer_holds_the_keys(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    shutil.copytree(FIXTURES / "pre_vault_store", folder)
    app, keys = _open(folder)
    assert app.books.migrated(MIGRATION)
    assert keys.keys() == {} and keys.links() == {}
    app.close()
    keys.close()


def test_the_migration_runs_once(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    shutil.copytree(FIXTURES / "pre_vault_store", folder)
    first, keys = _open(folder)
    first.vault.look_up(_ref("person-0"), "adapter")
    first.close()
    keys.close()
    again, keys = _open(folder)
    history = again.vault.history(_tid("person-0"))
    assert [i.role for i in history] == ["skpd:PDAM", "notification", "adapter"]
    again.close()
    keys.close()
