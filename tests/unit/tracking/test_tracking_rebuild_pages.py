"""A rebuild in many pages writes the live read model (its events decoded from the store), and
an event it cannot project is retried, then quarantined, the rest written."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from tracking_helpers import DISPOSITIONS, REPORTS, Feed, Report
from tracking_lives import dump, every_kind_of_life

from tracking.adapters import projector as projector_module
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
