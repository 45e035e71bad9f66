"""A tick reads the reports waiting too long, not the whole waiting list: that is read once a
day, for the digest (the list grows with the reports the admin has not moved yet)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.contracts import CaseAwaitingTriage
from tests.unit.notification.test_notification_schedule import World, messages, w, wita

__all__ = ["w"]  # the application, its scheduler and clock


@pytest.fixture
def lists(w: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many rows each read of the whole waiting list returned."""
    read = w.app.tables.waiting
    sizes: list[int] = []

    def counted() -> list[object]:
        found = read()
        sizes.append(len(found))
        return list(found)

    monkeypatch.setattr(w.app.tables, "waiting", counted)
    yield sizes


def test_ticks_alert_on_what_waits_too_long_and_read_the_list_for_the_digest_only(
    w: World, lists: list[int]
) -> None:
    w.clock.set(wita(27, 6))  # a Friday, before the digest
    early = [f"LPR-EARLY{n:03d}" for n in range(5)]
    for tracking_id in early:
        w.process(w.make_case(CaseAwaitingTriage, tracking_id=tracking_id, reason="low-confidence",
                              occurred_at=w.clock.now()))  # fmt: skip
    w.clock.set(wita(27, 7))
    w.process(w.make_case(CaseAwaitingTriage, tracking_id="LPR-LATE0001", reason="low-confidence",
                          occurred_at=w.clock.now()))  # fmt: skip
    w.clock.set(wita(27, 7, 30))
    w.scheduler.tick()
    assert (messages(w.published), lists) == ([], [])
    w.clock.set(wita(27, 10))  # four hours after the early ones, three after the late one
    w.scheduler.tick()
    w.scheduler.tick()
    sent = messages(w.published)
    alerts = sorted(m.tracking_id for m in sent if m.template == "admin_waiting")
    (digest,) = [m for m in sent if m.template == "admin_digest"]
    assert alerts == early
    assert all(tracking_id in digest.text for tracking_id in [*early, "LPR-LATE0001"])
    assert lists == [6]  # once, for the digest
