"""A rebuild in many pages writes the live read model (its events decoded from the store), several
pages per transaction; one cut short goes on from its last commit to the same rows; an event it
cannot project is retried, then quarantined, the rest written."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from tracking_helpers import DISPOSITIONS, REPORTS, Feed, Report
from tracking_lives import dump, every_kind_of_life

from tracking.adapters import projector as projector_module
from tracking.adapters.engine import migrate
from tracking.adapters.projector import CaseProjector
from tracking.bootstrap import TrackingParts


class Refused(Exception):
    """The read model refuses one event (as PostgreSQL refuses a text with a NUL)."""


def test_a_rebuild_in_small_pages_writes_the_live_read_model(
    feed: Feed, parts: TrackingParts
) -> None:
    every_kind_of_life(feed, parts)
    live = dump(parts.engine)
    parts.projector.rebuild_batch_size = 7  # many pages, cases spread over several of them
    replayed = parts.projector.rebuild()
    assert replayed == parts.projector.head()
    assert dump(parts.engine) == live
    assert parts.projector.status().lag == 0


def test_a_rebuild_cut_short_goes_on_from_its_last_commit_to_the_live_rows(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_kind_of_life(feed, parts)
    live = dump(parts.engine)
    project, pages = projector_module.project_all, []

    def dying(conn: Any, events: Any) -> None:
        pages.append(len(events))
        if len(pages) == 5:  # the second page of the second transaction
            raise OperationalError("INSERT", {}, Exception("the process dies"))
        project(conn, events)

    monkeypatch.setattr(projector_module, "project_all", dying)
    parts.projector.rebuild_batch_size, parts.projector.rebuild_pages = 5, 3
    with pytest.raises(OperationalError):
        parts.projector.rebuild()
    assert parts.projector.position() == 15  # the first transaction's three pages
    monkeypatch.undo()
    migrate(parts.engine)  # the next start
    again = CaseProjector(parts.app, parts.engine, rebuild_batch_size=5, rebuild_pages=3)
    assert again.catch_up() == parts.projector.head() - 15
    assert dump(parts.engine) == live


def test_an_event_a_rebuild_cannot_project_is_retried_then_quarantined_and_the_rest_written(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad, good = Report("LPR-REFUSED1"), Report("LPR-WRITTEN1")
    feed.send(REPORTS, bad.received(), *(Report(f"LPR-BEFORE{n:02d}").received() for n in range(9)))
    feed.send(DISPOSITIONS, bad.disposed())
    feed.send(REPORTS, good.received())
    project = projector_module.project_all

    def refusing(conn: Any, events: Any) -> None:
        if any(e.originator_id == bad.report_id and e.originator_version == 2 for e in events):
            raise Refused("the read model refuses the disposition")
        project(conn, events)

    monkeypatch.setattr(projector_module, "project_all", refusing)
    parts.projector.rebuild_batch_size = 4
    with pytest.raises(Refused):  # the first attempt; the service's loop tries again
        parts.projector.rebuild()
    for _ in range(2):  # the attempts left: the third quarantines the event and goes on
        with contextlib.suppress(Refused):
            parts.projector.catch_up()
    [held] = parts.projector.quarantined()
    assert "Refused" in held.error and str(bad.report_id) in held.event
    assert parts.views.by_tracking_id("LPR-WRITTEN1") is not None
    assert parts.projector.status().lag == 0
