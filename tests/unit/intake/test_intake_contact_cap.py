"""A contact typed into a form by someone else gets a few messages a day until it answers
itself; a contact that sent STOP gets none until MULAI."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from intake_helpers import START, Feed, as_role, message, tracking_id_of

from intake.adapters.contacts import SqlContacts
from intake.application.app import IntakeApplication
from intake.domain.contacts import (
    DAILY_CAP,
    OPT_IN,
    OPT_OUT,
    OPTED_OUT,
    ContactRules,
    ContactState,
    read_opt_command,
)
from shared.clock import FixedClock
from shared.contracts import Reporter

PHONE = "081355554444"
CAP = 3  # the default setting
TYPED = Reporter(name="Tetangga", phone=PHONE)


def web_report(app: IntakeApplication, feed: Feed, message_id: str = "w-1", **fields: Any) -> str:
    feed(message(message_id, channel="web", reporter=fields.pop("reporter", TYPED), **fields))
    report = app.report_by_tracking_id(tracking_id_of(app, message_id, "web"))
    return report.reporter_ref


def sms(feed: Feed, message_id: str, text: str, minutes: int = 0) -> None:
    at = START + timedelta(minutes=minutes)
    feed(message(message_id, text=text, reporter=Reporter(phone=PHONE), received_at=at))


def sms_report(app: IntakeApplication, feed: Feed) -> str:
    """A report sent by SMS from PHONE; its reporter_ref."""
    sms(feed, "s-1", "Lampu jalan mati di depan sekolah dasar")
    return app.report_by_tracking_id(tracking_id_of(app, "s-1")).reporter_ref


def deliver(client: TestClient, ref: str, **params: str) -> Any:
    return client.get(f"/v1/vault/{ref}", params=params, headers=as_role("adapter"))


def statuses(client: TestClient, ref: str, times: int) -> list[int]:
    return [deliver(client, ref).status_code for _ in range(times)]


def test_a_typed_contact_gets_three_messages_a_day_then_daily_cap(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = web_report(app, feed)
    assert statuses(client, ref, CAP) == [200] * CAP
    refused = deliver(client, ref)
    assert refused.status_code == 403 and refused.json() == {"detail": DAILY_CAP}


def test_the_cap_counts_per_contact_across_reports(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    first, second = web_report(app, feed, "w-1"), web_report(app, feed, "w-2")
    assert statuses(client, first, 2) == [200, 200]
    assert statuses(client, second, 2) == [200, 403]


def test_the_cap_starts_again_the_next_day_in_wita(
    client: TestClient, app: IntakeApplication, feed: Feed, clock: FixedClock
) -> None:
    ref = web_report(app, feed)
    statuses(client, ref, CAP + 1)
    clock.advance(timedelta(days=1))
    assert deliver(client, ref).status_code == 200


def test_notification_and_skpd_look_ups_are_not_deliveries(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = web_report(app, feed)
    for _ in range(CAP + 2):
        assert client.get(f"/v1/vault/{ref}", headers=as_role("notification")).status_code == 200
    assert deliver(client, ref).status_code == 200


def test_an_sms_reporters_own_number_is_not_capped(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = sms_report(app, feed)
    assert statuses(client, ref, CAP + 2) == [200] * (CAP + 2)


def test_an_sms_from_the_typed_number_confirms_it(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = web_report(app, feed)
    statuses(client, ref, CAP)
    sms(feed, "s-1", "Lampu jalan mati di depan sekolah dasar")
    assert statuses(client, ref, 2) == [200, 200]


def test_a_reply_through_the_status_link_confirms_the_contact(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = web_report(app, feed)
    answers = [deliver(client, ref) for _ in range(CAP)]
    secret = answers[0].json()["status_link"].rsplit("/", 1)[1]
    body = {"secret": secret, "message_id": "r-1", "text": "Terima kasih, saya pelapornya"}
    client.post("/v1/status-links/replies", json=body, headers=as_role("adapter"))
    assert statuses(client, ref, 2) == [200, 200]


def test_stop_from_a_number_refuses_it_and_mulai_allows_it_again(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = sms_report(app, feed)
    sms(feed, "s-2", "STOP", minutes=1)
    assert app.intake_status("sms", "s-2").status == OPT_OUT
    refused = deliver(client, ref)
    assert refused.status_code == 403 and refused.json() == {"detail": OPTED_OUT}
    sms(feed, "s-3", "mulai", minutes=2)
    assert app.intake_status("sms", "s-3").status == OPT_IN
    assert deliver(client, ref).status_code == 200


def test_stop_holds_for_a_form_report_of_the_same_number(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    sms(feed, "s-1", "STOP")
    ref = web_report(app, feed)
    assert deliver(client, ref).json() == {"detail": OPTED_OUT}


def test_a_late_stop_read_after_a_later_mulai_does_not_stop(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = sms_report(app, feed)
    sms(feed, "s-3", "START", minutes=2)
    sms(feed, "s-2", "STOP", minutes=1)
    assert deliver(client, ref).status_code == 200


def test_an_adapter_naming_the_email_is_not_refused_for_a_stopped_phone(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    sms(feed, "s-1", "STOP")
    ref = web_report(app, feed, reporter=Reporter(phone=PHONE, email="warga@contoh.id"))
    assert deliver(client, ref, contact="phone").json() == {"detail": OPTED_OUT}
    assert deliver(client, ref, contact="email").status_code == 200


def test_stop_from_a_web_form_is_an_ordinary_text(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("w-9", channel="web", text="STOP", reporter=TYPED))
    assert app.intake_status("web", "w-9").status not in (OPT_OUT, OPT_IN)


def test_a_refused_delivery_is_in_the_look_up_history(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    ref = web_report(app, feed)
    statuses(client, ref, CAP + 1)
    tracking_id = tracking_id_of(app, "w-1", "web")
    history = client.get(
        f"/v1/reports/{tracking_id}/identity-look-ups", headers=as_role("admin")
    ).json()
    assert [h["outcome"] for h in history] == ["looked-up"] * CAP + ["refused"]
    assert history[-1]["reason"] == DAILY_CAP


def test_a_form_report_without_phone_or_email_is_told_the_status_page_is_the_only_place(
    client: TestClient,
) -> None:
    body = {"channel": "web", "message_id": "w-7", "reporter": {"name": "Budi"},
            "text": "Jalan berlubang di depan pasar, mohon diperbaiki"}  # fmt: skip
    answer = client.post("/v1/reports", json=body, headers=as_role("adapter"))
    assert answer.status_code == 201
    assert "halaman status" in answer.json()["notice"]
    body = {**body, "message_id": "w-8", "reporter": {"email": "budi@contoh.id"}}
    answer = client.post("/v1/reports", json=body, headers=as_role("adapter"))
    assert answer.json()["notice"] is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [("STOP", OPT_OUT), (" stop. ", OPT_OUT), ("Berhenti", OPT_OUT), ("MULAI", OPT_IN),
     ("start!", OPT_IN), ("STOP kirim SMS ke saya", None), ("Mulai kapan perbaikan?", None)],
)  # fmt: skip
def test_only_a_bare_keyword_stops_or_resumes(text: str, kind: str | None) -> None:
    assert read_opt_command(text) == kind


def test_the_rules_leave_confirmed_contacts_and_other_channels_uncapped() -> None:
    rules = ContactRules(3, frozenset({"web"}), frozenset({"sms"}))
    full = ContactState(day="2026-03-02", sent=3)
    assert rules.refusal("web", full, "2026-03-02") == DAILY_CAP
    assert rules.refusal("web", full, "2026-03-03") is None
    assert rules.refusal("sms", full, "2026-03-02") is None
    assert rules.refusal("web", ContactState(confirmed=True, sent=9, day="2026-03-02"),
                         "2026-03-02") is None  # fmt: skip


def test_the_sql_table_never_lets_a_contact_past_its_cap(tmp_path: Path) -> None:
    book = SqlContacts(f"sqlite:///{tmp_path / 'contacts.sqlite'}")
    taken = [book.take("abc", "2026-03-02", 3) for _ in range(5)]
    assert taken == [True, True, True, False, False]
    assert book.take("abc", "2026-03-03", 3) is True
    book.opt_out(["abc"], START + timedelta(minutes=2))
    book.opt_in(["abc"], START + timedelta(minutes=1))
    book.confirm(["abc"], START)
    state = book.state("abc")
    assert state.opted_out and state.confirmed and state.sent_on("2026-03-03") == 1
    book.close()


def test_a_batch_of_sms_confirms_its_numbers_in_one_write(
    app: IntakeApplication, feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = app.vault.contacts.book
    writes: list[list[str]] = []
    confirm = book.confirm
    monkeypatch.setattr(book, "confirm", lambda d, at: (writes.append(list(d)), confirm(d, at)))
    text = "Lampu jalan mati di depan sekolah dasar nomor {n}"
    feed(*(message(f"s-{n}", text=text.format(n=n), reporter=Reporter(phone=f"0813555{n:05d}"))
           for n in range(3)))  # fmt: skip
    assert [len(w) for w in writes] == [3]
