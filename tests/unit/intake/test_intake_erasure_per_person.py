"""Erasure per person: every report of one contact on one channel, erased in one call; the
admin's identity read answers 410 afterwards; the audit event names who erased."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from intake_helpers import PHONE, Feed, as_role, message, tracking_id_of

from intake.application.app import IntakeApplication
from shared.contracts import Reporter

OTHER = "081399998888"
TEXTS = (
    "Jalan di Kayu Tangi berlubang besar dan membahayakan pengendara motor",
    "Lampu penerangan jalan di Jl. Pramuka mati sejak seminggu lalu",
    "Saluran air di gang Sungai Miai tersumbat sampah dan meluap",
)


def three_reports(feed: Feed, app: IntakeApplication) -> list[str]:
    for n, text in enumerate(TEXTS):
        feed(message(f"p-{n}", text=text))
    feed(message("o-1", text="Sampah menumpuk di pasar Lama", reporter=Reporter(phone=OTHER)))
    return [tracking_id_of(app, f"p-{n}") for n in range(3)]


def erase(client: TestClient, channel: str, contact: str, role: str = "admin") -> httpx.Response:
    body = {"channel": channel, "contact": contact}
    return client.post("/v1/erasures", json=body, headers=as_role(role))


def identity(client: TestClient, tracking_id: str) -> httpx.Response:
    return client.get(f"/v1/reports/{tracking_id}/identity", headers=as_role("admin"))


def test_one_call_erases_every_report_of_the_contact(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    mine = three_reports(feed, app)
    answer = erase(client, "sms", "+62 812-3456-7890")  # PHONE, spelt otherwise
    assert answer.status_code == 200
    assert sorted(answer.json()["tracking_ids"]) == sorted(mine)
    assert [identity(client, t).status_code for t in mine] == [410, 410, 410]
    assert identity(client, tracking_id_of(app, "o-1")).status_code == 200


def test_the_vault_answers_410_to_an_adapter_for_each_erased_report(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    mine = three_reports(feed, app)
    erase(client, "sms", PHONE)
    refs = [app.report_by_tracking_id(t).reporter_ref for t in mine]
    answers = [client.get(f"/v1/vault/{ref}", headers=as_role("adapter")) for ref in refs]
    assert [a.status_code for a in answers] == [410, 410, 410]


def test_the_three_reports_share_one_key(app: IntakeApplication, feed: Feed) -> None:
    mine = three_reports(feed, app)
    rows = [app.vault.entry(app.report_by_tracking_id(t).reporter_ref) for t in mine]
    assert len({row.key_id for row in rows}) == 1
    assert rows[0].key_id != app.vault.entry(app.report_by_tracking_id(
        tracking_id_of(app, "o-1")).reporter_ref).key_id  # fmt: skip


def test_the_same_contact_on_another_channel_is_another_person(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    three_reports(feed, app)
    assert erase(client, "whatsapp", PHONE).status_code == 404


def test_the_audit_event_names_the_person_who_erased(app: IntakeApplication, feed: Feed) -> None:
    mine = three_reports(feed, app)
    app.vault.erase_person("sms", PHONE, role="admin", name="Ani Wijaya")
    stored = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1000)]
    [audit] = [e for e in stored if type(e).__qualname__ == "Erasure.Erased"]
    assert audit.actor == {"role": "admin", "name": "Ani Wijaya"}  # type: ignore[attr-defined]
    assert sorted(audit.tracking_ids) == sorted(mine)  # type: ignore[attr-defined]
    assert PHONE not in str(audit.person)  # type: ignore[attr-defined]


def test_erasing_again_finds_nobody_and_says_so(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    three_reports(feed, app)
    erase(client, "sms", PHONE)
    again = erase(client, "sms", PHONE)
    assert again.status_code == 404 and "tidak ada laporan" in again.json()["detail"]


def test_erasing_one_report_erases_its_reporter_everywhere(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    mine = three_reports(feed, app)
    answer = client.delete(f"/v1/reports/{mine[0]}/identity", headers=as_role("admin"))
    assert sorted(answer.json()["tracking_ids"]) == sorted(mine)
    assert identity(client, mine[2]).status_code == 410


def test_a_new_report_after_erasure_gets_a_new_key_and_is_readable(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    mine = three_reports(feed, app)
    erase(client, "sms", PHONE)
    feed(message("p-new", text="Pohon tumbang di Jl. Veteran menutup separuh jalan"))
    assert identity(client, tracking_id_of(app, "p-new")).json()["phone"] == PHONE
    assert identity(client, mine[0]).status_code == 410


def test_erasure_is_for_the_admin_only(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    three_reports(feed, app)
    assert erase(client, "sms", PHONE, role="notification").status_code == 403


def test_an_unknown_channel_is_422_naming_the_field(client: TestClient) -> None:
    answer = erase(client, "merpati", PHONE)
    assert answer.status_code == 422 and "channel" in answer.text
