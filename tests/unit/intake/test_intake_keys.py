"""Identity keys on disk: in the SQLite event store's own file; an erased key leaves no trace."""

from __future__ import annotations

import base64
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
    app.close()
    restarted = open_intake(tmp_path / "intake.sqlite")
    assert restarted.vault.look_up(report.reporter_ref, "notification").phone is not None
    row = restarted.vault.entry(report.reporter_ref)
    key = restarted.vault.keyring.rows.key(row.key_id)
    assert key is not None
    stored = base64.b64encode(key)
    assert stored in _files(tmp_path)
    restarted.vault.erase(report.tracking_id, role="admin")
    restarted.close()
    assert stored not in _files(tmp_path)


def _files(folder: Path) -> bytes:
    """Every byte of the store's files (the database and any write-ahead log)."""
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())
