"""The personal status link on the real stack: read from the e-mail the SMTP sink stored, opened
in Chromium, a reply and a rating through it become `ReporterReplied` and `CaseRated`; a
stranger holding only the tracking id sees no form. And the vault's contact rules on PostgreSQL:
a contact typed into a form gets its few messages a day; STOP and MULAI by SMS."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared import topics
from shared.contracts import Channel, IntakeMessage, Location, PostFollowUp, Reporter, Resolve
from tests.e2e.conftest import Mailroom, System
from tests.e2e.test_faces import _until
from tests.e2e.test_notification_email import WATER, act, body_text, to
from tests.e2e.test_report_path import submit
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e

LINK = re.compile(r"https?://[^\s/]+(/pantau/[A-Za-z0-9_-]{20,})")


def case_events(system: System, tracking_id: str, wanted: str) -> list[str]:
    """The case's event types on lapor.cases.v1, once `wanted` is among them."""

    def types(found: list[Any]) -> list[str]:
        return [json.loads(r.value)["event_type"] for r in found]

    found = asyncio.run(
        read_topic(
            system.kafka,
            topics.CASES,
            until=lambda f: wanted in types(f),
            where=lambda r: tracking_id.encode() in (r.value or b""),
            timeout=60,
        )
    )
    return types(found)


def message(channel: str, reporter: Reporter, text: str = WATER) -> IntakeMessage:
    now = datetime.now(UTC)
    return IntakeMessage(
        occurred_at=now, received_at=now, channel=Channel(channel),
        message_id=f"e2e-{uuid.uuid4()}", text=text, reporter=reporter,
        location=Location(kecamatan="Banjarmasin Utara"),
    )  # fmt: skip


def submit_http(system: System, sent: IntakeMessage) -> dict[str, Any]:
    """Through intake's HTTP front, as an adapter: its answer."""
    url = f"{system.url('intake')}/v1/reports"
    answer = httpx.post(url, json=sent.wire(), headers=system.auth("adapter"), timeout=30)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def reporter_ref_of(system: System, tracking_id: str) -> str:
    """The reporter_ref intake published for a report."""

    def refs(found: list[Any]) -> list[str]:
        return [r for r in (json.loads(x.value).get("reporter_ref") for x in found) if r]

    found = asyncio.run(
        read_topic(
            system.kafka,
            topics.REPORTS,
            until=lambda f: bool(refs(f)),
            where=lambda r: tracking_id.encode() in (r.value or b""),
            timeout=60,
        )
    )
    return refs(found)[0]


def send_form(driver: Any, page: str, form: str, fill: dict[str, str]) -> str:
    """Open the personal page until `form` is offered, fill it, send it; the answer shown."""
    from selenium.webdriver.common.by import By

    def offered() -> bool:
        driver.get(page)
        return bool(driver.find_elements(By.ID, form))

    _until(offered, 60, 0.5)
    for element_id, value in fill.items():
        element = driver.find_element(By.ID, element_id)
        element.click() if element.get_attribute("type") == "radio" else element.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, f"#{form} button[type=submit]").click()
    _until(lambda: "pesan=" in driver.current_url or "galat=" in driver.current_url, 30)
    return str(driver.find_element(By.CSS_SELECTOR, ".berhasil, .galat").text)


def test_a_reporter_replies_and_rates_through_the_link_and_a_stranger_sees_only_the_flag_form(
    system: System,
    mailroom: Mailroom,
    faces: dict[str, str],
    browser: Any,
) -> None:
    from selenium.webdriver.common.by import By

    reporter = f"tautan-{uuid.uuid4().hex[:8]}@contoh.id"
    tracking_id = submit(system, message("email", Reporter(name="Siti Aminah", email=reporter)))
    first = mailroom.wait(to(reporter, tracking_id), 1)[0]
    found = LINK.search(body_text(first))
    assert found is not None, body_text(first)
    page = faces["web"] + found.group(1)  # the link's path on this test's web face

    act(system, tracking_id, PostFollowUp, "Petugas kami sudah menuju Jl. Sultan Adam.")
    said = send_form(
        browser, page, "form-tanggapan", {"tanggapan": "Air sudah mengalir, terima kasih."}
    )
    assert "Tanggapan Anda terkirim" in said
    assert "ReporterReplied" in case_events(system, tracking_id, "ReporterReplied")

    act(system, tracking_id, Resolve, "Pipa yang bocor sudah diganti; air mengalir kembali.")
    said = send_form(browser, page, "form-nilai", {"nilai-5": "", "komentar": "Cepat sekali"})
    assert "nilai Anda terkirim" in said
    assert "CaseRated" in case_events(system, tracking_id, "CaseRated")

    browser.get(f"{faces['web']}/laporan/{tracking_id}")  # a stranger with the tracking id
    assert tracking_id in browser.find_element(By.ID, "nomor-laporan").text
    actions = [f.get_attribute("action") for f in browser.find_elements(By.TAG_NAME, "form")]
    assert actions == [f"{faces['web']}/laporan/{tracking_id}/tandai"]  # the public flag form only
    browser.get(page[:-4] + "AAAA")  # a guessed secret
    assert "Tautan ini tidak dikenal" in browser.page_source
    assert tracking_id not in browser.page_source


def test_a_typed_phone_gets_three_look_ups_a_day_and_stop_by_sms_stops_it(system: System) -> None:
    phone = f"+62812{uuid.uuid4().int % 10**7:07d}"
    typed = submit_http(system, message("web", Reporter(name="Tetangga", phone=phone)))
    reporter_ref = reporter_ref_of(system, typed["tracking_id"])

    def deliver() -> httpx.Response:
        url = f"{system.url('intake')}/v1/vault/{reporter_ref}"
        return httpx.get(url, params={"contact": "phone"}, headers=system.auth("adapter"))

    answers = [deliver() for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 403]
    assert answers[-1].json() == {"detail": "daily-cap"}
    assert submit_http(system, message("sms", Reporter(phone=phone), "STOP"))["status"] == "opt-out"
    assert deliver().json() == {"detail": "opted-out"}
    assert submit_http(system, message("sms", Reporter(phone=phone), "MULAI"))["status"] == "opt-in"
    assert deliver().status_code == 200  # the SMS from the number confirmed it: no cap now
