"""Routing reads every disposition and tracking-id entry a batch needs with one query."""

from __future__ import annotations

from pathlib import Path

import pytest
from routing_helpers import START, TOKENS, Feed, FixedClock, accepted, returned

from routing.adapters.keyword_router import KeywordRouter
from routing.application.app import RoutingApplication
from routing.bootstrap import bootstrap
from routing.settings import RoutingSettings
from shared import topics
from shared.auth import digest
from shared.settings import CommonSettings
from tests.preload_app import counting_reads

TEXTS = ["Air PDAM mati tiga hari", "Jalan berlubang di depan sekolah", "Sampah menumpuk di pasar"]


def routing(database: Path) -> RoutingApplication:
    common = CommonSettings(auth_tokens={digest(t): role for role, t in TOKENS.items()})
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}
    spec = bootstrap(
        RoutingSettings(common=common), clock=FixedClock(START), env=env, router=KeywordRouter()
    )
    app: RoutingApplication = spec.application
    return app


@pytest.mark.parametrize("size", [3, 30])
def test_a_routing_batch_reads_the_store_once_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    app = routing(tmp_path / "routing.sqlite")
    feed = Feed(app)
    earlier = [accepted(TEXTS[n % 3]) for n in range(size)]
    feed(*earlier)
    fresh = [accepted(TEXTS[n % 3]) for n in range(size)]
    returns = [returned(r, app.by_tracking_id(r.tracking_id).skpd_code or "X") for r in earlier]
    with counting_reads(app, monkeypatch) as reads:
        assert feed(*fresh, *earlier) == []  # the earlier ones delivered again: nothing new
        assert feed(*returns, topic=topics.CASES) == []
    assert (reads.preloads, reads.per_aggregate) == (2, 0)
    assert all(app.by_tracking_id(r.tracking_id).refusals == 1 for r in earlier)
