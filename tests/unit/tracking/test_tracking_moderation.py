"""Moderation rules: the admin hides, shows, corrects; three public flags hide a report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from moderation_lives import ADMIN, moderation_of
from tracking_helpers import REPORTS, Feed, Report

from shared import contracts as c
from shared.clock import FixedClock
from tracking.application.moderation import FlagLimiter, TooManyFlags
from tracking.application.views import ReportNotFound
from tracking.bootstrap import TrackingParts
from tracking.domain.moderation import AlreadyHidden, NotHidden, NotPublic


def _opened(feed: Feed, parts: TrackingParts, *, rahasia: bool = False) -> Report:
    report = Report("LPR-MOD00001", rahasia=rahasia)
    feed.send(REPORTS, report.received())
    parts.projector.catch_up()
    return report


def _moderation_events(feed: Feed) -> list[c.CaseEvent]:
    kinds = (c.CaseHidden, c.CaseShown, c.CaseCorrected)
    return [event for event in feed.published() if isinstance(event, kinds)]


def test_three_flags_from_distinct_addresses_hide_the_report_pending_review(
    feed: Feed, parts: TrackingParts
) -> None:
    report = _opened(feed, parts)
    moderation = moderation_of(parts)
    outcomes = [
        moderation.flag(report.tracking_id, f"10.0.0.{n}", "data pribadi") for n in (1, 2, 3)
    ]
    assert [(o.flags, o.hidden) for o in outcomes] == [(1, False), (2, False), (3, True)]
    [hidden] = _moderation_events(feed)
    assert isinstance(hidden, c.CaseHidden)
    assert (hidden.flags, hidden.actor) == (3, None)
    assert "3 kali" in hidden.reason


def test_a_second_flag_from_the_same_address_does_not_count(
    feed: Feed, parts: TrackingParts
) -> None:
    report = _opened(feed, parts)
    moderation = moderation_of(parts)
    for _ in range(3):
        outcome = moderation.flag(report.tracking_id, "10.0.0.1", "data pribadi")
    assert (outcome.counted, outcome.flags, outcome.hidden) == (False, 1, False)
    assert _moderation_events(feed) == []


def test_a_hidden_report_takes_no_more_flags(feed: Feed, parts: TrackingParts) -> None:
    report = _opened(feed, parts)
    moderation = moderation_of(parts)
    moderation.hide(report.tracking_id, *ADMIN, "foto wajah anak")
    parts.projector.catch_up()
    with pytest.raises(ReportNotFound):
        moderation.flag(report.tracking_id, "10.0.0.9", "data pribadi")


def test_the_admin_hides_and_shows_a_report_and_each_act_names_the_admin(
    feed: Feed, parts: TrackingParts
) -> None:
    report = _opened(feed, parts)
    moderation = moderation_of(parts)
    moderation.hide(report.tracking_id, *ADMIN, "foto wajah anak")
    moderation.show(report.tracking_id, *ADMIN, "foto sudah diganti")
    hidden, shown = _moderation_events(feed)
    assert isinstance(hidden, c.CaseHidden) and isinstance(shown, c.CaseShown)
    assert hidden.actor == shown.actor == c.Actor(role="admin", name="Sari Rahmawati")
    assert (hidden.reason, hidden.flags, shown.reason) == (
        "foto wajah anak",
        0,
        "foto sudah diganti",
    )


def test_showing_starts_the_flags_over(feed: Feed, parts: TrackingParts) -> None:
    report = _opened(feed, parts)
    moderation = moderation_of(parts)
    for n in (1, 2, 3):
        moderation.flag(report.tracking_id, f"10.0.0.{n}", "data pribadi")
    moderation.show(report.tracking_id, *ADMIN, "tidak melanggar")
    parts.projector.catch_up()
    again = moderation.flag(report.tracking_id, "10.0.0.1", "data pribadi")
    assert (again.counted, again.flags, again.hidden) == (True, 1, False)


def test_hiding_twice_and_showing_a_visible_report_are_refused(
    feed: Feed, parts: TrackingParts
) -> None:
    report = _opened(feed, parts)
    moderation = moderation_of(parts)
    with pytest.raises(NotHidden):
        moderation.show(report.tracking_id, *ADMIN, "tidak melanggar")
    moderation.hide(report.tracking_id, *ADMIN, "foto wajah anak")
    with pytest.raises(AlreadyHidden):
        moderation.hide(report.tracking_id, *ADMIN, "foto wajah anak")


def test_a_rahasia_report_has_no_public_face_to_moderate(feed: Feed, parts: TrackingParts) -> None:
    report = _opened(feed, parts, rahasia=True)
    moderation = moderation_of(parts)
    with pytest.raises(NotPublic):
        moderation.hide(report.tracking_id, *ADMIN, "foto wajah anak")
    with pytest.raises(ReportNotFound):
        moderation.flag(report.tracking_id, "10.0.0.1", "data pribadi")


def test_a_correction_is_published_and_the_original_stays_in_the_case(
    feed: Feed, parts: TrackingParts
) -> None:
    report = _opened(feed, parts)
    moderation_of(parts).correct(
        report.tracking_id, *ADMIN, "nama orang di judul", title="Air mati", text="Air mati 3 hari"
    )
    [corrected] = _moderation_events(feed)
    assert isinstance(corrected, c.CaseCorrected)
    assert (corrected.title, corrected.text) == ("Air mati", "Air mati 3 hari")
    case = parts.app.repository.get(report.report_id)
    assert (case.title, case.text) == (report.received().title, report.received().text)


def test_an_unknown_report_cannot_be_flagged_or_hidden(parts: TrackingParts) -> None:
    moderation = moderation_of(parts)
    with pytest.raises(ReportNotFound):
        moderation.flag("LPR-NOPE0000", "10.0.0.1", "data pribadi")
    with pytest.raises(ReportNotFound):
        moderation.hide("LPR-NOPE0000", *ADMIN, "foto wajah anak")


def test_flags_over_the_limit_per_address_are_refused_until_the_window_passes(
    clock: FixedClock,
) -> None:
    limiter = FlagLimiter(clock, 2, timedelta(hours=1))
    limiter.check("10.0.0.1")
    limiter.check("10.0.0.1")
    limiter.check("10.0.0.2")  # another address has its own count
    with pytest.raises(TooManyFlags) as refused:
        limiter.check("10.0.0.1")
    assert 0 < refused.value.retry_after <= 3601
    clock.set(clock.now() + timedelta(hours=1, seconds=1))
    limiter.check("10.0.0.1")
