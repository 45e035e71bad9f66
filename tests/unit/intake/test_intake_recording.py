"""Recording adapter messages: once per message, screened, with a random tracking id."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise

from intake_helpers import PHONE, START, Feed, FixedClock, build, message

from intake.application import ids
from intake.application.app import IntakeApplication
from intake.domain.identifiers import CROCKFORD
from intake.domain.report import Report
from shared.contracts import Reporter
from shared.contracts.base import TRACKING_ID_PATTERN


def reports(app: IntakeApplication) -> list[Report]:
    """Every report aggregate in the store."""
    found: list[Report] = []
    for notification in app.recorder.select_notifications(1, 10_000):
        event = app.mapper.to_domain_event(notification)
        if isinstance(event, Report.Recorded):
            found.append(app.repository.get(event.originator_id))
    return found


def test_same_message_at_a_new_offset_records_one_report(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    first = app.intake_status("sms", "m-1")
    feed(message("m-1"))
    assert len(reports(app)) == 1
    assert app.intake_status("sms", "m-1") == first


def test_same_message_twice_in_one_batch_records_one_report(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"), message("m-1"))
    assert len(reports(app)) == 1


def test_redelivered_message_does_not_count_towards_a_flood(
    app: IntakeApplication, feed: Feed
) -> None:
    for _ in range(10):
        feed(message("m-1"))
    feed(message("m-2"))
    assert app.intake_status("sms", "m-2").status == "accepted"


def test_report_id_derives_from_channel_and_message_id(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1"))
    assert reports(app)[0].id == ids.report_id("sms", "m-1")


def test_two_messages_get_different_tracking_ids_of_the_public_pattern(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"), message("m-2", reporter=Reporter()))
    first = app.intake_status("sms", "m-1").tracking_id
    second = app.intake_status("sms", "m-2").tracking_id
    assert first != second
    assert re.match(TRACKING_ID_PATTERN, first) and re.match(TRACKING_ID_PATTERN, second)


def test_tracking_ids_of_consecutive_reports_are_not_sequential(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(*(message(f"m-{n}", reporter=Reporter()) for n in range(30)))
    values = [_crockford_value(app.intake_status("sms", f"m-{n}").tracking_id) for n in range(30)]
    steps = {later - earlier for earlier, later in pairwise(values)}
    assert len(steps) > 1
    assert values != sorted(values)


def _crockford_value(tracking_id: str) -> int:
    value = 0
    for character in tracking_id.split("-", 1)[1]:
        value = value * 32 + CROCKFORD.index(character)
    return value


def test_anonymous_report_without_identity_is_accepted(app: IntakeApplication, feed: Feed) -> None:
    feed(message("web-1", channel="web", reporter=Reporter(), anonim=True))
    assert app.intake_status("web", "web-1").status == "accepted"


def test_unintelligible_report_is_archived_with_the_reason(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", text="?? 123 !!"))
    status = app.intake_status("sms", "m-1")
    assert status.status == "archived"
    assert status.reason and status.reason.startswith("spam")


def test_abusive_report_is_held(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", text="Petugas kelurahan bangsat tidak mau melayani warga"))
    assert app.intake_status("sms", "m-1").status == "held"


def test_sixth_report_from_one_phone_within_ten_minutes_is_held(
    app: IntakeApplication, feed: Feed
) -> None:
    for n in range(6):
        feed(message(f"m-{n}", received_at=START + timedelta(minutes=n)))
    assert [app.intake_status("sms", f"m-{n}").status for n in range(6)] == ["accepted"] * 5 + [
        "held"
    ]


def test_reports_spread_beyond_the_window_are_not_a_flood(
    app: IntakeApplication, feed: Feed
) -> None:
    for n in range(8):
        feed(message(f"m-{n}", received_at=START + timedelta(minutes=3 * n)))
    assert {app.intake_status("sms", f"m-{n}").status for n in range(8)} == {"accepted"}


def test_one_phone_written_two_ways_floods_across_channels(
    app: IntakeApplication, feed: Feed
) -> None:
    international = "+62" + PHONE[1:]
    for n in range(5):
        feed(message(f"sms-{n}"))
    feed(message("wa-1", channel="whatsapp", reporter=Reporter(phone=international)))
    assert app.intake_status("whatsapp", "wa-1").status == "held"


def test_flood_is_measured_on_the_clock_when_the_adapter_gives_no_time(
    clock: FixedClock, app: IntakeApplication, feed: Feed
) -> None:
    for n in range(6):
        feed(message(f"m-{n}", received_at=None))
        clock.advance(timedelta(minutes=3))
    assert app.intake_status("sms", "m-5").status == "accepted"


def test_flood_threshold_comes_from_settings() -> None:
    app: IntakeApplication = build(flood_max_reports=1).application
    feed = Feed(app)
    feed(message("m-1"), message("m-2"))
    assert app.intake_status("sms", "m-2").status == "held"
