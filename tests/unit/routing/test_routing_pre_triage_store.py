"""A store written before the triage table (main febe0db) gets its queue once, from its events."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from routing_helpers import STREET_LIGHT, Feed, accepted, on_sqlite

from routing.application.app import RoutingApplication
from routing.application.triage import MIGRATION

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "pre_triage_expected.json").read_text())


def old_store(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    shutil.copytree(FIXTURES / "pre_triage_store", folder)
    return folder


def test_the_old_store_has_no_triage_table_until_opened(tmp_path: Path) -> None:
    import sqlite3

    folder = old_store(tmp_path)
    with sqlite3.connect(folder / "routing-events.sqlite") as db:
        names = {n for (n,) in db.execute("select name from sqlite_master where type='table'")}
    assert "routing_triage" not in names and "routing_migrations" in names


def test_an_old_store_gets_its_triage_queue_from_its_events_once(tmp_path: Path) -> None:
    folder = old_store(tmp_path)
    app: RoutingApplication = on_sqlite(folder).application
    assert [item.tracking_id for item in app.triage.pending()] == EXPECTED["waiting"]
    assert app.triage.count() == 3
    assert app.tracking_ids.migrated(MIGRATION)
    [escalated] = app.triage.page(limit=1, offset=1)
    assert "dinaikkan" in escalated.reason and escalated.candidates == ()
    first = EXPECTED["waiting"][0]
    app.dispose_by_hand(first, "DPUPR", "jalan kota")  # after the migration: the table moves
    app.close()

    again: RoutingApplication = on_sqlite(folder).application
    assert [item.tracking_id for item in again.triage.pending()] == EXPECTED["waiting"][1:]
    feed = Feed(again)
    feed.offset = 100  # past the positions the old store recorded
    unsure, clear = (
        accepted(text).model_copy(update={"tracking_id": f"LPR-NEW0000{n}"})
        for n, text in enumerate(("mohon diperhatikan, sudah lama begini terus", STREET_LIGHT))
    )
    assert feed(unsure, clear) == []
    queue = [i.tracking_id for i in again.triage.pending()]
    assert queue == ["LPR-NEW00000", *EXPECTED["waiting"][1:]]  # its clock stands at START
