"""Reports far from anything the router knows go to triage with reason out-of-scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing.adapters.artefact import load_router
from routing.adapters.hybrid_router import HybridRouter
from routing.adapters.training import routable
from routing.domain.router import RoutableReport

HERE = Path(__file__).parent
FAR = [json.loads(line) for line in (HERE / "data" / "out-of-scope.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def router() -> HybridRouter:
    return load_router()


@pytest.mark.parametrize("row", FAR, ids=[row["id"] for row in FAR])
def test_another_language_or_another_city_goes_to_triage_as_out_of_scope(
    router: HybridRouter, row: dict[str, object]
) -> None:
    decision = router.route(routable(row))
    assert decision.triage and decision.reason.startswith("out-of-scope")
    assert decision.code is not None  # the best body is still named for `lapor route`


def test_a_direction_towards_another_town_is_not_out_of_scope(router: HybridRouter) -> None:
    text = "jalan provinsi arah Martapura berlubang besar dan sering bikin motor jatuh"
    decision = router.route(RoutableReport("", text, "Banjarmasin Timur"))
    assert not decision.reason.startswith("out-of-scope")
