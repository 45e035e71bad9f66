"""Identity keys on disk: beside the SQLite event store; an erased key is gone from the file."""

from __future__ import annotations

from pathlib import Path

from intake_helpers import START, Feed, FixedClock, message, settings, tracking_id_of

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap


def open_intake(database: Path) -> IntakeApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}
    app: IntakeApplication = bootstrap(settings(), clock=FixedClock(START), env=env).application
    return app


def test_keys_survive_a_restart_and_an_erased_key_leaves_no_trace_in_the_file(
    tmp_path: Path,
) -> None:
    app = open_intake(tmp_path / "intake.sqlite")
    Feed(app)(message("m-1"))
    report = app.report_by_tracking_id(tracking_id_of(app, "m-1"))
    restarted = open_intake(tmp_path / "intake.sqlite")
    assert restarted.vault.look_up(report.reporter_ref, "notification").phone is not None
    keys_file = tmp_path / "intake-keys.sqlite"
    key = restarted.vault.sealer.keys.get(report.reporter_ref)
    assert key is not None and key in keys_file.read_bytes()
    restarted.vault.erase(report.tracking_id, by="admin")
    assert key not in keys_file.read_bytes()
