"""The projector projects the case events this process just recorded without decoding them
again, and the read model is the one the stored events give (issue F3)."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from tracking_helpers import REPORTS, Feed, Report
from tracking_lives import dump, every_kind_of_life

from tracking.adapters import projector as projector_module
from tracking.adapters.projector import CaseProjector
from tracking.bootstrap import TrackingParts


class Decodes:
    """Counts the case events projectors decode (theirs and those of projectors made later)."""

    def __init__(self, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        decoder = projector_module.case_decoder

        def counted(decode: Any) -> Any:
            def counting(stored: Any) -> Any:
                self.count += 1
                return decode(stored)

            return counting

        monkeypatch.setattr(parts.projector, "_decode", counted(parts.projector._decode))
        monkeypatch.setattr(projector_module, "case_decoder", lambda m: counted(decoder(m)))


def test_events_just_recorded_are_projected_as_the_stored_ones_are(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodes = Decodes(parts, monkeypatch)
    every_kind_of_life(feed, parts)  # every kind of case event, projected as it comes
    assert decodes.count == 0  # none read back and decoded: the kept ones were projected
    live = dump(parts.engine)
    assert len(live["cases"]) >= 10 and len(live["case_history"]) >= 50
    parts.projector.rebuild()  # from the store alone: every event decoded
    assert decodes.count == len(live["case_history"])
    assert dump(parts.engine) == live


def test_a_failed_pass_loses_only_the_kept_events_the_store_gives_them_again(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodes = Decodes(parts, monkeypatch)
    reports = [Report(f"LPR-FRESH{n}AAA") for n in range(3)]
    feed.send(REPORTS, *(report.received() for report in reports))

    def broken(conn: Any, events: Any) -> None:
        raise RuntimeError("the database went away mid-pass")

    with monkeypatch.context() as patched:
        patched.setattr("tracking.adapters.projector.project_all", broken)
        patched.setattr("tracking.adapters.projector.CaseProjector._project_carefully", broken)
        with pytest.raises(RuntimeError):
            parts.projector.project_once()
    assert parts.projector.position() == 0
    assert parts.projector.catch_up() > 0
    assert decodes.count == 3  # taken from the kept ones by the failed pass: decoded now
    for report in reports:
        assert parts.views.by_tracking_id(report.tracking_id) is not None


def test_events_are_kept_up_to_a_bound_and_dropped_once_projected(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodes = Decodes(parts, monkeypatch)
    bounded = CaseProjector(parts.app, parts.engine, fresh_limit=2)
    reports = [Report(f"LPR-BOUND{n}AAA") for n in range(3)]
    feed.send(REPORTS, reports[0].received(), reports[1].received())  # two kept: the bound
    feed.send(REPORTS, reports[2].received())  # not kept: decoded from the store
    assert len(bounded._fresh) == 2
    before = decodes.count
    bounded.catch_up()
    assert decodes.count - before == 1
    assert bounded._fresh == {}
    assert parts.projector.catch_up() == 0  # another projector took them (a replica's, say)
    assert parts.projector._fresh == {}  # what it kept is dropped
    for report in reports:
        assert parts.views.by_tracking_id(report.tracking_id) is not None


def test_the_garbage_collector_waits_while_a_batch_is_projected_and_resumes_after(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    project_all = projector_module.project_all

    def spied(conn: Any, events: Any) -> None:
        seen.append(gc.isenabled())
        project_all(conn, events)

    monkeypatch.setattr(projector_module, "project_all", spied)
    feed.send(REPORTS, Report("LPR-GCRUNSAAA").received())
    assert gc.isenabled()
    assert parts.projector.project_once() > 0
    assert seen == [False]
    assert gc.isenabled()  # collecting again
    gc.disable()  # whoever turned it off keeps it off
    try:
        feed.send(REPORTS, Report("LPR-GCKEPTAAA").received())
        assert parts.projector.project_once() > 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]
