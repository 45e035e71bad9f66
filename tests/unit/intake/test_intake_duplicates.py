"""Duplicates: near (about 50 m) and very similar -> linked; weaker -> flagged; closed -> free."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from intake_helpers import START, Feed, message, published

from bench.duplicate_quality import PAIRS, evaluate, load
from intake.application.app import IntakeApplication
from intake.domain.duplicates import content_words, distance_m, neighbourhood, similarity
from intake.settings import IntakeSettings
from shared.contracts import (
    CaseResolved,
    Location,
    Reporter,
    ReportLinkedAsDuplicate,
    StatusBucket,
)

HOLE = "Jalan berlubang besar di Jl. Kelayan A depan masjid, sudah ada pengendara jatuh"
SAME_HOLE = "Ada lubang besar di jalan Kelayan A dekat masjid, motor sering jatuh"
LAMP = "Lampu penerangan jalan mati di Jl. Kelayan A depan masjid sejak minggu lalu"
LAT, LON = -3.3340, 114.5950
METRE = 1 / 111_320


def at(latitude: float = LAT, longitude: float = LON, **place: Any) -> Location:
    return Location(latitude=latitude, longitude=longitude, **place)


def other(n: int) -> Reporter:
    return Reporter(phone=f"0812000000{n:02d}")


def report(message_id: str, text: str, location: Location, minutes: int = 60, n: int = 1) -> Any:
    when = START + timedelta(minutes=minutes)
    return message(message_id, text=text, location=location, reporter=other(n), received_at=when)


def test_near_and_very_similar_report_is_linked_as_duplicate(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(report("m-1", HOLE, at()), report("m-2", SAME_HOLE, at(LAT + 30 * METRE), n=2))
    first = app.intake_status("sms", "m-1")
    second = app.intake_status("sms", "m-2")
    assert (second.status, second.duplicate_of) == ("duplicate", first.tracking_id)
    linked = published(app)[-1]
    assert isinstance(linked, ReportLinkedAsDuplicate)
    assert linked.duplicate_of_tracking_id == first.tracking_id
    assert "ReportAccepted" not in [e.event_type for e in published(app)[2:]]


def test_the_same_text_200_m_away_is_a_report_of_its_own(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(report("m-1", HOLE, at()), report("m-2", HOLE, at(LAT + 200 * METRE), n=2))
    assert app.intake_status("sms", "m-2").status == "accepted"


def test_another_problem_at_the_same_spot_is_a_report_of_its_own(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(report("m-1", HOLE, at()), report("m-2", LAMP, at(LAT + 5 * METRE), n=2))
    assert app.intake_status("sms", "m-2").status == "accepted"


def test_similar_report_in_the_same_kelurahan_without_coordinates_is_only_flagged(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(report("m-1", HOLE, at(kelurahan="Kelayan Dalam")))
    feed(report("m-2", SAME_HOLE, Location(kelurahan="Kelayan Dalam"), n=2))
    first = app.intake_status("sms", "m-1")
    second = app.intake_status("sms", "m-2")
    assert (second.status, second.possible_duplicate_of) == ("accepted", first.tracking_id)


def test_a_report_after_the_window_is_not_linked(app: IntakeApplication, feed: Feed) -> None:
    window = IntakeSettings().duplicate_window_days * 24 * 60
    feed(report("m-1", HOLE, at()))
    feed(report("m-2", SAME_HOLE, at(), minutes=int(window) + 120, n=2))
    assert app.intake_status("sms", "m-2").status == "accepted"


def test_a_report_received_a_little_earlier_than_an_indexed_one_is_still_linked(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(report("m-1", HOLE, at(), minutes=60))
    feed(report("m-2", SAME_HOLE, at(LAT + 10 * METRE), minutes=30, n=2))
    assert app.intake_status("sms", "m-2").status == "duplicate"


def test_a_resolved_report_is_no_longer_a_duplicate_candidate(
    app: IntakeApplication, feed: Feed, cases_feed: Feed
) -> None:
    feed(report("m-1", HOLE, at()))
    first = app.report_by_tracking_id(app.intake_status("sms", "m-1").tracking_id or "")
    cases_feed(
        CaseResolved(
            occurred_at=START,
            report_id=first.id,
            tracking_id=first.tracking_id,
            channel="sms",
            kind="pengaduan",
            reporter_ref=first.reporter_ref,
            status=StatusBucket.SELESAI,
            text="sudah ditambal",
        )
    )
    feed(report("m-2", SAME_HOLE, at(), n=2))
    assert app.intake_status("sms", "m-2").status == "accepted"


def test_a_held_report_carries_the_duplicate_flag_into_the_admin_queue(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(report("m-1", HOLE, at()))
    feed(report("m-2", f"{SAME_HOLE}, goblok", at(LAT + 10 * METRE), n=2))
    [waiting] = app.admin.held()
    assert waiting.possible_duplicate_of == app.intake_status("sms", "m-1").tracking_id


def test_distance_is_in_metres() -> None:
    assert 49 < distance_m(LAT, LON, LAT + 50 * METRE, LON) < 51


def test_the_neighbourhood_covers_the_radius() -> None:
    assert len(neighbourhood(LAT, LON, 50)) == 9
    assert len(neighbourhood(LAT, LON, 150)) == 25


def test_similarity_of_a_text_with_itself_is_one_and_of_unrelated_texts_low() -> None:
    assert similarity(content_words(HOLE), content_words(HOLE)) == 1.0
    assert similarity(content_words(HOLE), content_words("Air PDAM keruh coklat")) < 0.1


@pytest.mark.parametrize("pairs", ["duplicate_pairs.jsonl", "duplicate_pairs_second.jsonl"])
def test_detector_links_precisely_and_finds_most_duplicates_of_the_labelled_sets(
    pairs: str,
) -> None:
    quality = evaluate(load(PAIRS.with_name(pairs)), IntakeSettings().duplicate_rules())
    assert quality.precision >= 0.95
    assert quality.recall >= 0.85


def test_reports_naming_different_kinds_of_problem_are_not_even_flagged(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(report("m-1", "Lampu jalan mati di depan Bank Kalsel Jl. Lambung Mangkurat", at()))
    feed(report("m-2", "Jalan berlubang di depan Bank Kalsel Jl. Lambung Mangkurat", at(), n=2))
    status = app.intake_status("sms", "m-2")
    assert (status.status, status.possible_duplicate_of) == ("accepted", None)
