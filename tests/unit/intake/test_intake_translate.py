"""What intake publishes: one outcome per report, with its content, keyed by report id."""

from __future__ import annotations

import json
from dataclasses import replace

from intake_helpers import EMAIL, HANDLE, NAME, NIK, PHONE, Feed, message

from intake.application import ids
from intake.application.app import IntakeApplication
from intake.application.translate import Translator
from shared import topics
from shared.contracts import ReportHeld
from shared.messaging import codec
from shared.messaging.relay import Outgoing


def published(app: IntakeApplication) -> list[Outgoing]:
    """What the relay would publish for everything stored so far."""
    outgoing: list[Outgoing] = []
    for notification in app.recorder.select_notifications(1, 10_000):
        outgoing += Translator(app.repository)(app.mapper.to_domain_event(notification))
    return outgoing


def test_accepted_report_publishes_only_accepted(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1"))
    out = published(app)
    assert [o.event.event_type for o in out] == ["ReportAccepted"]


def test_report_events_go_to_the_reports_topic_keyed_by_report_id(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    report_id = ids.report_id("sms", "m-1")
    assert {(o.topic, o.key) for o in published(app)} == {(topics.REPORTS, str(report_id))}


def test_the_outcome_carries_the_report_under_a_reporter_ref(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", title="Jalan rusak", anonim=True))
    received = published(app)[0].event.wire()
    assert received["title"] == "Jalan rusak"
    assert received["anonim"] is True
    assert str(received["reporter_ref"]).startswith("rpt_")
    assert received["tracking_id"] == app.intake_status("sms", "m-1").tracking_id


def test_held_report_publishes_held_with_reason_and_content(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", text="Petugas goblok tidak mau melayani warga"))
    [held] = (o.event.wire() for o in published(app))
    assert held["event_type"] == "ReportHeld"
    assert "kata kasar" in str(held["reason"])
    assert held["text"] == "Petugas goblok tidak mau melayani warga"
    assert str(held["reporter_ref"]).startswith("rpt_")


def test_archived_report_publishes_archived_with_content(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", text="123 456"))
    [archived] = (o.event for o in published(app))
    assert archived.event_type == "ReportArchived"
    assert archived.wire()["text"] == "123 456"


def test_identity_never_appears_in_any_published_event(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1"), message("m-2", text="??"), message("m-3", text="dasar goblok kalian"))
    app.vault.look_up(app.repository.get(ids.report_id("sms", "m-1")).reporter_ref, "adapter")
    wire = [codec.encode(o.event).decode() for o in published(app)]
    assert len(wire) == 3
    for secret in (NAME, PHONE, PHONE[1:], EMAIL, HANDLE.lstrip("@"), NIK):
        assert not any(secret in text for text in wire), secret
    assert not any(key in json.loads(text) for text in wire for key in ("reporter", "phone", "nik"))


def test_translating_the_same_stored_event_again_gives_the_same_event_ids(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    first = [o.event.event_id for o in published(app)]
    again = [o.event.event_id for o in published(app)]
    assert first == again
    assert len(set(first)) == 1


def test_a_report_is_one_stored_event_and_its_erasure_publishes_nothing(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    app.vault.erase(app.intake_status("sms", "m-1").tracking_id or "", role="admin")
    stored = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 10_000)]
    assert [type(e).__qualname__ for e in stored] == ["Report.Recorded", "Erasure.Erased"]
    assert Translator(app.repository)(stored[-1]) == []


def test_report_events_say_which_kinds_of_contact_were_left_never_the_contact(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1", reporter={"name": NAME, "phone": PHONE}))
    feed(message("m-2", reporter={"email": EMAIL}, text="Sampah menumpuk di Jl. Veteran"))
    feed(message("m-3", reporter={}, text="Lampu jalan mati di Jl. Kayu Tangi"))
    kinds = [o.event.wire() for o in published(app) if o.event.event_type == "ReportAccepted"]
    assert [k["contact_kinds"] for k in kinds] == [["phone"], ["email"], []]
    assert all(PHONE not in json.dumps(k) and EMAIL not in json.dumps(k) for k in kinds)


def test_an_outcome_published_before_the_content_moved_into_it_still_reads() -> None:
    old = {
        "event_id": "7d0c5b1e-6f0a-4a57-9a52-1f1c1b1d1e1f",
        "occurred_at": "2026-03-02T09:00:00+00:00",
        "report_id": "0b6f3c1e-1d2a-4b3c-8d4e-5f6a7b8c9d0e",
        "tracking_id": "LPR-ABCD1234",
        "reason": "kata kasar",
    }
    held = ReportHeld.model_validate(old)
    assert (held.reason, held.has_content) == ("kata kasar", False)


def test_a_new_outcome_says_it_carries_the_content(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", text="Petugas goblok tidak mau melayani warga"))
    [held] = (o.event for o in published(app))
    assert isinstance(held, ReportHeld) and held.has_content


OFFICER = {"role": "skpd:PDAM", "name": "Rudi Hartono"}


def test_a_walk_in_report_names_the_officer_who_entered_it_as_the_actor(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("w-1", channel="walk-in", reporter={}, recorded_by=OFFICER))
    feed(message("m-2", text="Lampu jalan mati di Jl. Kayu Tangi"))
    actors = [o.event.wire()["actor"] for o in published(app)]
    assert actors == [OFFICER, None]


def test_a_report_stored_before_walk_in_officers_were_recorded_reads_without_one(
    app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    [notification] = app.recorder.select_notifications(1, 1)
    state = app.mapper.transcoder.decode(notification.state)
    del state["recorded_by"]
    assert state["class_version"] == 3
    state["class_version"] = 2  # as version 2 stored it
    old = replace(notification, state=app.mapper.transcoder.encode(state))
    recorded = app.mapper.to_domain_event(old)
    assert recorded.recorded_by is None
    [outcome] = Translator(app.repository)(recorded)
    assert outcome.event.wire()["actor"] is None
