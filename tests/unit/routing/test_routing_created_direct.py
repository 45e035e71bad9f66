"""A report decided on arrival is made without eventsourcing's generic creation steps: the same
`Routed` or `Triaged` event, the same stored bytes, the same disposition as `_create` made."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.utils import get_topic
from routing_helpers import START

from routing.application.app import RoutingApplication
from routing.domain.disposition import TOPIC, Disposition, excerpt

STAMP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CONTENT = {"title": "Air mati", "text": "Air PDAM tidak mengalir sejak pagi di Jl. Kuin",
           "kind": "pengaduan", "channel": "web", "location": {"kelurahan": "Kuin Utara"},
           "anonim": False, "rahasia": False}  # fmt: skip
CANDIDATES = [{"code": "PDAM", "score": 0.6}, {"code": "DLH", "score": 0.3}]
ROUTED = {"code": "PDAM", "name": "PDAM Bandarmasih", "method": "model", "reason": "model",
          "at": START, "confidence": 0.6, "candidates": CANDIDATES,
          "also": ["PDAM", "DLH"]}  # fmt: skip
TRIAGED = {"reason": "ragu", "candidates": CANDIDATES, "at": START}


def _routed_as_before(ids: dict[str, Any]) -> Disposition:
    """`Disposition.routed` as it was: eventsourcing's `_create`."""
    return Disposition._create(
        Disposition.Routed, **ids, skpd_code="PDAM", skpd_name="PDAM Bandarmasih",
        method="model", confidence=0.6, reason="model", candidates=list(CANDIDATES), at=START,
        also=["DLH"],
    )  # fmt: skip


def _triaged_as_before(ids: dict[str, Any]) -> Disposition:
    """`Disposition.triaged` as it was: eventsourcing's `_create`."""
    return Disposition._create(
        Disposition.Triaged, **ids, title="Air mati", excerpt=excerpt(CONTENT["text"]),
        reason="ragu", candidates=list(CANDIDATES), at=START,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    for created in (Disposition.Routed, Disposition.Triaged, Disposition.Returned):
        monkeypatch.setattr(created, "create_timestamp", staticmethod(lambda: STAMP))


@pytest.mark.parametrize("kind", ["routed", "triaged"])
def test_a_decision_on_arrival_is_the_event_and_disposition_create_made(
    app: RoutingApplication, kind: str
) -> None:
    ids = {"id": uuid4(), "report_id": uuid4(), "tracking_id": "LPR-7K3QX9MD", "content": CONTENT}
    if kind == "routed":
        ours, theirs = Disposition.routed(**ids, **ROUTED), _routed_as_before(ids)
    else:
        ours, theirs = Disposition.triaged(**ids, **TRIAGED), _triaged_as_before(ids)
    (mine,), (made,) = ours.collect_events(), theirs.collect_events()
    assert type(mine) is type(made) and get_topic(Disposition) == TOPIC
    assert vars(mine) == vars(made)
    assert app.mapper.to_stored_event(mine) == app.mapper.to_stored_event(made)
    assert ours == theirs
    again = app.mapper.to_domain_event(app.mapper.to_stored_event(mine)).mutate(None)
    assert again == ours


def test_a_routed_disposition_moves_on_as_before() -> None:
    ids = {"id": uuid4(), "report_id": uuid4(), "tracking_id": "LPR-7K3QX9MD", "content": CONTENT}
    ours, theirs = Disposition.routed(**ids, **ROUTED), _routed_as_before(ids)
    for disposition in (ours, theirs):
        disposition.record_return("PDAM", "bukan wewenang", None, "m-1", START)
    assert ours == theirs
    assert ([type(e) for e in ours.collect_events()][1:], ours.skpd_code) == (
        [Disposition.Returned],
        None,
    )
