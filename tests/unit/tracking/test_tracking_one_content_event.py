"""Since F3 intake publishes one event per report, its outcome, carrying the content."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tracking_helpers import REPORTS, Feed, Report

from shared import contracts as c


def _content(report: Report) -> dict[str, Any]:
    return report.received().model_dump(exclude={"event_id"})


def _types_after(feed: Feed, *messages: c.ReportEvent) -> list[str]:
    for message in messages:
        feed.send(REPORTS, message)
    return feed.types()


def test_a_held_outcome_with_content_opens_the_case_and_holds_it(feed: Feed) -> None:
    report = Report()
    held = c.ReportHeld(**_content(report), reason="Perlu ditinjau")
    assert _types_after(feed, held) == ["CaseOpened", "CaseHeld"]
    assert feed.published()[0].tracking_id == report.tracking_id


def test_an_archived_outcome_with_content_opens_the_case_and_archives_it(feed: Feed) -> None:
    archived = c.ReportArchived(**_content(Report()), reason="Bukan pengaduan")
    assert _types_after(feed, archived) == ["CaseOpened", "CaseArchived"]


def test_a_linked_outcome_with_content_opens_the_case_and_links_it(feed: Feed) -> None:
    linked = c.ReportLinkedAsDuplicate(
        **_content(Report()),
        duplicate_of_report_id=uuid4(),
        duplicate_of_tracking_id="LPR-AAAA1111",
    )
    assert _types_after(feed, linked) == ["CaseOpened", "CaseLinkedAsDuplicate"]


def test_an_outcome_without_content_still_needs_the_received_event(feed: Feed) -> None:
    report = Report()
    ids = {"report_id": report.report_id, "tracking_id": report.tracking_id}
    held = c.ReportHeld(**ids, occurred_at=report.received().occurred_at, reason="Perlu ditinjau")
    assert _types_after(feed, held) == []
    assert _types_after(feed, report.received()) == ["CaseOpened", "CaseHeld"]


def test_an_accepted_outcome_alone_opens_the_case_like_received_then_accepted(
    feed: Feed, app: Any
) -> None:
    report = Report()
    accepted = c.ReportAccepted(**_content(report))
    assert _types_after(feed, accepted) == ["CaseOpened"]
    assert _types_after(feed, accepted) == ["CaseOpened"]  # a relay's re-send changes nothing
    assert app.repository.get(report.report_id).version == 1


def test_an_outcome_sent_twice_opens_one_case(feed: Feed) -> None:
    held = c.ReportHeld(**_content(Report()), reason="Perlu ditinjau")
    assert _types_after(feed, held, held) == ["CaseOpened", "CaseHeld"]
