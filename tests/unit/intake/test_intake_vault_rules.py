"""The vault's rules: an SKPD sees the contact of a non-anonim report disposed to it; audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from intake_helpers import PHONE, START, Feed, as_role, message, tracking_id_of

from intake.application.app import IntakeApplication
from intake.domain.report import Report
from shared.contracts import DispositionMethod, ReportDisposed, ReportRedisposed


def report_of(app: IntakeApplication, message_id: str) -> Report:
    return app.report_by_tracking_id(tracking_id_of(app, message_id))


def disposed(report: Report, code: str, also: tuple[str, ...] = ()) -> ReportDisposed:
    return ReportDisposed(
        occurred_at=START,
        report_id=report.id,
        tracking_id=report.tracking_id,
        skpd_code=code,
        skpd_name=code,
        method=DispositionMethod.RULE,
        confidence=0.9,
        also=also,
    )


def vault(client: TestClient, report: Report, role: str) -> Any:
    return client.get(f"/v1/vault/{report.reporter_ref}", headers=as_role(role))


def test_skpd_gets_the_contact_of_a_report_disposed_to_it(
    client: TestClient, app: IntakeApplication, feed: Feed, routing_feed: Feed
) -> None:
    feed(message("m-1"))
    report = report_of(app, "m-1")
    routing_feed(disposed(report, "PDAM"))
    answer = vault(client, report, "skpd:PDAM")
    assert answer.status_code == 200
    assert answer.json()["phone"] == PHONE


def test_skpd_is_refused_the_contact_of_a_report_disposed_elsewhere(
    client: TestClient, app: IntakeApplication, feed: Feed, routing_feed: Feed
) -> None:
    feed(message("m-1"))
    report = report_of(app, "m-1")
    routing_feed(disposed(report, "DISPERKIM"))
    answer = vault(client, report, "skpd:PDAM")
    assert answer.status_code == 403
    assert "tidak didisposisikan ke PDAM" in answer.json()["detail"]


def test_skpd_is_refused_the_contact_of_an_anonim_report_disposed_to_it(
    client: TestClient, app: IntakeApplication, feed: Feed, routing_feed: Feed
) -> None:
    feed(message("m-1", anonim=True))
    report = report_of(app, "m-1")
    routing_feed(disposed(report, "PDAM"))
    answer = vault(client, report, "skpd:PDAM")
    assert answer.status_code == 403
    assert "anonim" in answer.json()["detail"]


def test_an_also_body_of_a_cross_sector_report_sees_the_contact(
    client: TestClient, app: IntakeApplication, feed: Feed, routing_feed: Feed
) -> None:
    feed(message("m-1"))
    report = report_of(app, "m-1")
    routing_feed(disposed(report, "DISPERKIM", also=("PDAM",)))
    assert vault(client, report, "skpd:PDAM").status_code == 200


def test_a_body_that_returned_the_report_loses_the_contact(
    client: TestClient, app: IntakeApplication, feed: Feed, routing_feed: Feed
) -> None:
    feed(message("m-1"))
    report = report_of(app, "m-1")
    routing_feed(disposed(report, "PDAM"))
    routing_feed(
        ReportRedisposed(
            occurred_at=START,
            report_id=report.id,
            tracking_id=report.tracking_id,
            from_code="PDAM",
            skpd_code="DISPERKIM",
            skpd_name="DISPERKIM",
            method=DispositionMethod.ADMIN,
        )
    )
    assert vault(client, report, "skpd:PDAM").status_code == 403
    assert vault(client, report, "skpd:DISPERKIM").status_code == 200


def test_every_look_up_and_refusal_is_listed_for_the_admin(
    client: TestClient, app: IntakeApplication, feed: Feed, routing_feed: Feed
) -> None:
    feed(message("m-1"))
    report = report_of(app, "m-1")
    routing_feed(disposed(report, "PDAM"))
    vault(client, report, "notification")
    vault(client, report, "skpd:DISPERKIM")
    vault(client, report, "skpd:PDAM")
    answer = client.get(
        f"/v1/reports/{report.tracking_id}/identity-look-ups", headers=as_role("admin")
    )
    assert answer.status_code == 200
    found = [(i["role"], i["outcome"]) for i in answer.json()]
    assert found == [
        ("notification", "looked-up"),
        ("skpd:DISPERKIM", "refused"),
        ("skpd:PDAM", "looked-up"),
    ]
    assert "DISPERKIM" in answer.json()[1]["reason"]


def test_look_up_list_is_for_the_admin_only(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    url = f"/v1/reports/{tracking_id_of(app, 'm-1')}/identity-look-ups"
    assert client.get(url, headers=as_role("skpd:PDAM")).status_code == 403
    assert client.get(url).status_code == 401


def test_look_up_list_of_an_unknown_tracking_id_is_404(client: TestClient) -> None:
    url = "/v1/reports/LPR-ZZZZZZZZ/identity-look-ups"
    assert client.get(url, headers=as_role("admin")).status_code == 404
