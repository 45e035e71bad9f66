"""On PostgreSQL (event store and read model): the projector projects the case events this
process just recorded without decoding them (notification ids from the one-trip insert), and
the read model equals the one a rebuild from the store writes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tracking.bootstrap import TrackingParts

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "tracking"))
from test_tracking_projector_fresh import Decodes
from test_tracking_stored_events_postgres import parts  # noqa: F401 (the fixture)
from tracking_helpers import Feed
from tracking_lives import dump, every_kind_of_life

pytestmark = pytest.mark.integration


def test_events_just_recorded_are_projected_as_rebuilt_from_postgresql(
    parts: TrackingParts,  # noqa: F811 (the fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert parts.app.factory.__module__ == "eventsourcing.postgres"
    decodes = Decodes(parts, monkeypatch)
    every_kind_of_life(Feed(parts.app), parts)
    assert decodes.count == 0  # every case event projected as recorded
    live = dump(parts.engine)
    assert len(live["case_history"]) >= 50
    parts.projector.rebuild()
    assert decodes.count == len(live["case_history"])
    assert dump(parts.engine) == live
