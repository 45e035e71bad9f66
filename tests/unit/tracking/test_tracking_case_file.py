"""Staff read one case with its people; assignment; the public status names bodies, never people."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tracking_helpers import DISPOSITIONS, DLH, PDAM, REPORTS, START, Feed, Report, auth

from shared import contracts as c
from tracking.bootstrap import TrackingParts

BUDI = {"Authorization": "Bearer budi-token"}  # skpd:PDAM, named "Budi Santoso"


def _act(client: TestClient, report: Report, headers: dict[str, str], **move: Any) -> None:
    url = f"/v1/skpd/PDAM/reports/{report.tracking_id}/actions"
    answer = client.post(url, json=move, headers=headers)
    assert answer.status_code == 202, answer.text


@pytest.fixture
def handled(client: TestClient, feed: Feed, parts: TrackingParts) -> Report:
    """Disposed to PDAM; the desk assigns it to Siti, then Budi acknowledges and resolves."""
    report = Report("LPR-FILE0001")
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed(PDAM))
    parts.projector.catch_up()
    _act(client, report, auth("skpd:PDAM"), action="assign", assignee="Siti Rahmah")
    _act(client, report, BUDI, action="assign", assignee="Budi Santoso")
    _act(client, report, BUDI, action="acknowledge")
    _act(client, report, BUDI, action="resolve", text="Pipa sudah diganti")
    return report


def test_an_assignment_is_published_with_who_assigned_and_who_held_it_before(
    feed: Feed, handled: Report
) -> None:
    assigned = [e for e in feed.published() if isinstance(e, c.CaseAssigned)]
    assert [(e.assignee, e.previous_assignee, e.actor) for e in assigned] == [
        ("Siti Rahmah", None, c.Actor(role="skpd:PDAM", name="")),
        ("Budi Santoso", "Siti Rahmah", c.Actor(role="skpd:PDAM", name="Budi Santoso")),
    ]
    assert {(e.assignee_email, e.body) for e in assigned} == {(None, "PDAM")}


def test_the_same_officer_again_records_nothing(
    client: TestClient, feed: Feed, handled: Report
) -> None:
    before = len(feed.published())
    url = f"/v1/skpd/PDAM/reports/{handled.tracking_id}/actions"
    client.post(url, json={"action": "assign", "assignee": "Budi Santoso"}, headers=BUDI)
    assert len(feed.published()) == before


def test_an_assignment_needs_an_officer(client: TestClient, handled: Report) -> None:
    url = f"/v1/skpd/PDAM/reports/{handled.tracking_id}/actions"
    answer = client.post(url, json={"action": "assign"}, headers=BUDI)
    assert (answer.status_code, answer.json()["detail"]) == (
        422,
        "assignee is required for assign",
    )


def test_the_case_file_names_who_took_each_step(client: TestClient, handled: Report) -> None:
    answer = client.get(f"/v1/cases/{handled.tracking_id}", headers=auth("admin"))
    assert answer.status_code == 200, answer.text
    found = answer.json()
    steps = [(s["type"], s["body"], s["actor"]) for s in found["timeline"]]
    budi = {"role": "skpd:PDAM", "name": "Budi Santoso"}
    assert steps == [
        ("CaseOpened", None, None),
        ("CaseDisposed", None, None),
        ("CaseAssigned", "PDAM", {"role": "skpd:PDAM", "name": ""}),
        ("CaseAssigned", "PDAM", budi),
        ("CaseAcknowledged", "PDAM", budi),
        ("CaseResolved", "PDAM", budi),
    ]
    assert found["assignee"] == "Budi Santoso"
    assert "Budi Santoso (sebelumnya Siti Rahmah)" in found["timeline"][3]["description"]


def test_the_case_file_names_the_admin_who_verified_and_the_admin_who_disposed(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    """Intake's verify and routing's hand disposition carry the admin; the case file shows them."""
    sari, budi = c.Actor(role="admin", name="Sari Rahmawati"), c.Actor(role="admin", name="Budi")
    held, triaged = Report("LPR-HELD0001"), Report("LPR-TRIA0001")
    later = START + timedelta(hours=1)
    feed.send(REPORTS, held.received(), triaged.received())
    feed.send(REPORTS, c.ReportHeld(**_ids(held, START), reason="Kata kasar"))
    verified = held.received(later).model_dump(exclude={"event_id", "actor"})
    feed.send(REPORTS, c.ReportAccepted(**verified, actor=sari))
    feed.send(DISPOSITIONS, c.ReportAwaitingTriage(**_ids(triaged, START), reason="Ragu"))
    by_hand = triaged.disposed(DLH, later).model_dump(exclude={"event_id", "method", "actor"})
    feed.send(DISPOSITIONS, c.ReportDisposed(**by_hand, method="admin", actor=budi))
    parts.projector.catch_up()

    def steps(report: Report) -> list[tuple[str, Any]]:
        answer = client.get(f"/v1/cases/{report.tracking_id}", headers=auth("admin"))
        return [(s["type"], s["actor"]) for s in answer.json()["timeline"]]

    assert steps(held) == [
        ("CaseOpened", None),
        ("CaseHeld", None),
        ("CaseResumed", {"role": "admin", "name": "Sari Rahmawati"}),
    ]
    assert steps(triaged) == [
        ("CaseOpened", None),
        ("CaseAwaitingTriage", None),
        ("CaseDisposed", {"role": "admin", "name": "Budi"}),
    ]
    assert [e.actor for e in feed.published() if isinstance(e, c.CaseDisposed)] == [budi]


def _ids(report: Report, at: Any) -> dict[str, Any]:
    return {"report_id": report.report_id, "tracking_id": report.tracking_id, "occurred_at": at}


def test_the_body_reads_its_case_file(client: TestClient, handled: Report) -> None:
    answer = client.get(f"/v1/cases/{handled.tracking_id}", headers=BUDI)
    assert answer.status_code == 200


def test_another_body_may_not_read_the_case_file(client: TestClient, handled: Report) -> None:
    answer = client.get(f"/v1/cases/{handled.tracking_id}", headers=auth("skpd:DLH"))
    assert answer.status_code == 403


def test_an_unknown_case_file_is_404(client: TestClient) -> None:
    assert client.get("/v1/cases/LPR-NOSUCH01", headers=auth("admin")).status_code == 404


def test_an_analyst_may_not_read_case_files(client: TestClient, handled: Report) -> None:
    answer = client.get(f"/v1/cases/{handled.tracking_id}", headers=auth("analyst"))
    assert answer.status_code == 403


def test_the_public_status_names_no_person(client: TestClient, handled: Report) -> None:
    answer = client.get(f"/v1/reports/{handled.tracking_id}")
    assert answer.status_code == 200
    text = answer.text
    assert "Perumda Air Minum" in text
    assert "Budi" not in text and "Siti" not in text


def test_the_desk_shows_the_officer_holding_each_report(
    client: TestClient, handled: Report
) -> None:
    page = client.get("/v1/skpd/PDAM/reports", headers=BUDI).json()
    assert [item["assignee"] for item in page["items"]] == ["Budi Santoso"]


def test_a_walk_in_report_opens_its_case_naming_the_officer_who_entered_it(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report, officer = Report("LPR-LOKET001"), c.Actor(role="skpd:PDAM", name="Rudi Hartono")
    content = report.received().model_dump(exclude={"event_id", "event_type", "schema_version"})
    walk_in = {**content, "channel": c.Channel("walk-in"), "actor": officer}
    feed.send(REPORTS, c.ReportAccepted(**walk_in))
    parts.projector.catch_up()
    [opened] = [e for e in feed.published() if isinstance(e, c.CaseOpened)]
    assert opened.actor == officer
    found = client.get(f"/v1/cases/{report.tracking_id}", headers=auth("admin")).json()
    assert found["timeline"][0]["type"] == "CaseOpened"
    assert found["timeline"][0]["actor"] == officer.model_dump()
    public = client.get(f"/v1/reports/{report.tracking_id}")
    assert public.status_code == 200 and "Rudi" not in public.text
