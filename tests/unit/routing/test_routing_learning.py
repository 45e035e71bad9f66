"""Learning from decisions: a stable held-out slice, and a new model only if not worse."""

from __future__ import annotations

from routing.adapters.learning import MIN_HELD_OUT, Comparison, split


def rows(count: int) -> list[dict[str, object]]:
    return [{"id": f"d-{i:04d}", "text": "x", "expected_skpd": "PDAM"} for i in range(count)]


def test_a_decision_always_falls_on_the_same_side() -> None:
    train, held_out = split(rows(90))
    _, again_held = split(list(reversed(rows(90))))
    assert {r["id"] for r in held_out} == {r["id"] for r in again_held}
    assert 15 <= len(held_out) <= 45 and len(train) + len(held_out) == 90


def figures(top1: float, precision: float, triage: float = 0.1) -> dict[str, float]:
    return {"top1": top1, "auto_precision": precision, "triage_share": triage, "n": 10}


def test_a_model_is_installed_only_if_not_worse_on_the_held_out_decisions() -> None:
    assert Comparison(figures(0.5, 1.0), figures(0.9, 1.0), 10).not_worse
    assert Comparison(figures(0.5, 1.0), figures(0.5, 1.0), 10).not_worse
    assert not Comparison(figures(0.9, 1.0), figures(0.8, 1.0), 10).not_worse
    assert not Comparison(figures(0.5, 1.0), figures(0.9, 0.9), 10).not_worse
    assert Comparison(figures(0.5, 0.9), figures(0.9, 0.98), 10).not_worse
    assert not Comparison(figures(0.1, 1.0), figures(1.0, 1.0), MIN_HELD_OUT - 1).not_worse


def test_a_model_that_routes_as_well_but_sends_more_to_triage_is_worse() -> None:
    assert not Comparison(figures(1.0, 1.0, 0.0), figures(1.0, 1.0, 0.286), 7).not_worse
    assert Comparison(figures(1.0, 1.0, 0.1), figures(1.0, 1.0, 0.14), 7).not_worse
