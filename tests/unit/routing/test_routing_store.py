"""Routing on its embedded SQLite store: state survives a restart, triage is rebuilt by replay."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from routing_helpers import STREET_LIGHT, Feed, accepted, on_sqlite


def test_dispositions_and_triage_survive_a_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    first = on_sqlite(state_dir)
    clear, unclear = accepted(STREET_LIGHT), accepted("mohon diperhatikan, sudah lama")
    Feed(first.application)(clear, unclear)
    first.application.close()

    again = on_sqlite(state_dir)
    assert again.application.by_tracking_id(clear.tracking_id).skpd_code == "DISPERKIM"
    [item] = again.application.triage.pending()
    assert item.tracking_id == unclear.tracking_id
    assert (state_dir / "routing-events.sqlite").exists()


def test_a_disposition_stored_before_cross_sector_bodies_still_loads(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    first = on_sqlite(state_dir)
    report = accepted(STREET_LIGHT)
    Feed(first.application)(report)
    first.application.close()
    with sqlite3.connect(state_dir / "routing-events.sqlite") as db:
        names = db.execute("select name from sqlite_master where type = 'table'").fetchall()
        [table] = [n for (n,) in names if n.endswith("_events")]
        rows = db.execute(f"select rowid, state from {table} where topic like '%Disposed'")
        for rowid, state in list(rows):
            old = json.loads(state)
            old.pop("also"), old.pop("class_version")  # as version 1 wrote it
            new = json.dumps(old).encode()
            db.execute(f"update {table} set state = ? where rowid = ?", (new, rowid))
    again = on_sqlite(state_dir)
    disposition = again.application.by_tracking_id(report.tracking_id)
    assert (disposition.skpd_code, disposition.also) == ("DISPERKIM", [])
