"""A report decided on arrival is one stored event; old two-event histories still work."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from routing_helpers import START, Feed, FixedClock, accepted, build, of_type, published

from routing.adapters.keyword_router import KeywordRouter
from routing.application.app import RoutingApplication
from routing.application.ids import disposition_id, tracking_entry_id
from routing.application.labels import admin_labels
from routing.domain.disposition import Disposition
from routing.domain.router import RoutableReport, RoutingDecision
from routing.domain.tracking_index import TrackingIdEntry
from shared.contracts import ReportAccepted
from shared.processing import Statement

CLEAR = "air PDAM mati sejak pagi, meteran air juga bocor"
UNCLEAR = "mohon diperhatikan, sudah lama begini terus"


def stored(app: RoutingApplication, report: ReportAccepted) -> list[object]:
    return list(app.events.get(disposition_id(report.report_id)))


def test_an_automatically_routed_report_is_one_stored_disposition_event(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(CLEAR)
    feed(report)
    [event] = stored(app, report)
    assert isinstance(event, Disposition.Routed)
    assert app.repository.get(disposition_id(report.report_id)).skpd_code == "PDAM"


def test_a_report_left_to_the_admin_is_one_stored_event_and_waits_in_triage(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(UNCLEAR)
    feed(report)
    [event] = stored(app, report)
    assert isinstance(event, Disposition.Triaged)
    assert [item.tracking_id for item in app.triage.pending()] == [report.tracking_id]


def test_the_one_event_publishes_what_the_old_pair_published(
    app: RoutingApplication, feed: Feed
) -> None:
    routed, unsure = accepted(CLEAR), accepted(UNCLEAR)
    feed(routed, unsure)
    outgoing = published(app)
    [disposed] = of_type(outgoing, "ReportDisposed")
    assert (disposed.event.tracking_id, disposed.event.skpd_code) == (routed.tracking_id, "PDAM")
    assert [o.event.skpd_code for o in of_type(outgoing, "ReportRouted")] == ["PDAM"]
    [waiting] = of_type(outgoing, "ReportAwaitingTriage")
    assert waiting.event.tracking_id == unsure.tracking_id


def old_way(app: RoutingApplication, report: ReportAccepted, code: str | None) -> None:
    """Store a disposition as today's main wrote it: `Opened`, then `Disposed` or `SentToTriage`."""
    content = {"title": report.title, "text": report.text, "kind": "pengaduan", "channel": "sms",
               "location": {"kecamatan": None, "kelurahan": None, "address": None},
               "anonim": False, "rahasia": False, "attachments": [], "category": None}  # fmt: skip
    disposition = Disposition(
        id=disposition_id(report.report_id),
        report_id=report.report_id,
        tracking_id=report.tracking_id,
        content=content,
    )
    if code is None:
        disposition.send_to_triage("tidak yakin", [{"code": "DLH", "score": 0.4}], START)
    else:
        disposition.dispose(code, code, method="rule", reason="lama", at=START)
    entry = TrackingIdEntry(
        id=tracking_entry_id(report.tracking_id),
        tracking_id=report.tracking_id,
        report_id=report.report_id,
    )
    app.save(disposition, entry)


def test_histories_stored_the_old_way_still_read_publish_and_take_the_admins_choice(
    tmp_path: Path,
) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "r.db")}
    routed, unsure = accepted(CLEAR), accepted(UNCLEAR)
    before: RoutingApplication = build(FixedClock(START), env=env).application
    old_way(before, routed, "PDAM")
    old_way(before, unsure, None)
    before.tracking_ids.run([Statement("DELETE FROM routing_migrations", {})])  # as before F3
    before.close()
    app: RoutingApplication = build(FixedClock(START), env=env).application  # a restart
    assert app.by_tracking_id(routed.tracking_id).skpd_code == "PDAM"  # the index moved over
    assert [type(e).__name__ for e in stored(app, routed)] == ["Opened", "Disposed"]
    outgoing = published(app)
    assert [o.event.tracking_id for o in of_type(outgoing, "ReportDisposed")] == [
        routed.tracking_id
    ]
    assert [i.tracking_id for i in app.triage.pending()] == [unsure.tracking_id]
    app.dispose_by_hand(unsure.tracking_id, "DLH", "sampah")
    assert app.triage.pending() == []
    [label] = admin_labels(app)
    assert (label["text"], label["expected_skpd"]) == (UNCLEAR, "DLH")
    Feed(app)(routed)  # the same report again: already disposed, nothing new
    assert len(stored(app, routed)) == 2


class CountingRouter(KeywordRouter):
    """The keyword rules, counting how many calls routed how many reports."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def route_many(self, reports: Sequence[RoutableReport]) -> list[RoutingDecision]:
        self.calls.append(len(reports))
        return super().route_many(reports)


def test_a_consumed_batch_is_routed_in_one_call() -> None:
    router = CountingRouter()
    app: RoutingApplication = build(FixedClock(START), router=router).application
    reports = [accepted(CLEAR), accepted(UNCLEAR), accepted("lampu jalan mati, gelap")]
    Feed(app)(*reports)
    assert router.calls == [3]
    assert all(len(stored(app, r)) == 1 for r in reports)


def test_a_routed_report_stores_no_index_event_and_is_found_by_its_tracking_id(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted(CLEAR)
    feed(report)
    assert app.recorder.max_notification_id() == 1  # the disposition's one event, no index entry
    assert app.by_tracking_id(report.tracking_id).report_id == report.report_id
