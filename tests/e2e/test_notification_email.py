"""E-mail reporters, bodies and the admin really receive mail: the adapter and the SMTP sink as
processes, on the real broker, beside the four services."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from shared import topics
from shared.contracts import (
    STATUS_LINK_MARK,
    CaseAssigned,
    CaseHidden,
    IntakeMessage,
    Location,
    PostFollowUp,
    Reporter,
    Resolve,
)
from shared.messaging import codec
from tests.e2e.conftest import Mailroom, System
from tests.e2e.test_report_path import poll, public_status, records_about, submit
from tests.kafka_helpers import produce, read_topic

pytestmark = pytest.mark.e2e

PDAM_MAILBOX = "pdam@banjarmasinkota.go.id"
ADMIN_MAILBOX = "setda-humas@banjarmasinkota.go.id"
WATER = "Air PDAM mati sejak kemarin di Jl. Sultan Adam, mohon segera diperbaiki"


def to(address: str, tracking_id: str) -> Callable[[EmailMessage], bool]:
    return lambda m: m["To"] == address and tracking_id in str(m["Subject"])


def body_text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def email_report(text: str, address: str, *, anonim: bool = False) -> IntakeMessage:
    now = datetime.now(UTC)
    return IntakeMessage(
        occurred_at=now,
        received_at=now,
        channel="email",
        message_id=f"e2e-mail-{uuid.uuid4()}",
        text=text,
        location=Location(kecamatan="Banjarmasin Utara"),
        reporter=Reporter(name="Siti Aminah", email=address),
        anonim=anonim,
    )


def web_report(text: str, kecamatan: str, reporter: Reporter) -> IntakeMessage:
    now = datetime.now(UTC)
    return IntakeMessage(
        occurred_at=now,
        received_at=now,
        channel="web",
        message_id=f"e2e-web-{uuid.uuid4()}",
        text=text,
        location=Location(kecamatan=kecamatan),
        reporter=reporter,
    )


def act(system: System, tracking_id: str, action: type[PostFollowUp | Resolve], text: str) -> None:
    """PDAM's system acts on its actions topic, as an SKPD integrator does."""
    (opened,) = records_about(system, topics.CASES, tracking_id, 1)[:1]
    report_id = json.loads(opened.value)["report_id"]
    event = action(
        occurred_at=datetime.now(UTC),
        report_id=report_id,
        tracking_id=tracking_id,
        skpd_code="PDAM",
        text=text,
    )
    record = (report_id.encode(), codec.encode(event))
    asyncio.run(produce(system.kafka, topics.skpd_actions_topic("PDAM"), [record]))


def test_an_email_reporter_receives_each_step_in_order_and_the_body_its_new_report(
    system: System, mailroom: Mailroom
) -> None:
    reporter = f"pelapor-{uuid.uuid4().hex[:8]}@contoh.id"
    tracking_id = submit(system, email_report(WATER, reporter))
    public_status(system, tracking_id, "PDAM")
    act(system, tracking_id, PostFollowUp, "Petugas kami sudah menuju Jl. Sultan Adam.")
    act(system, tracking_id, Resolve, "Pipa yang bocor sudah diganti; air mengalir kembali.")

    mails = mailroom.wait(to(reporter, tracking_id), 4)
    subjects = [str(m["Subject"]) for m in mails]
    assert subjects == [
        f"Laporan {tracking_id} telah diterima",
        f"Laporan {tracking_id} didisposisikan ke Perumda Air Minum Bandarmasih (PDAM)",
        f"Tindak lanjut laporan {tracking_id} dari Perumda Air Minum Bandarmasih (PDAM)",
        f"Laporan {tracking_id} telah diselesaikan",
    ]
    assert "Petugas kami sudah menuju Jl. Sultan Adam." in body_text(mails[2])
    assert f"NILAI {tracking_id}" in body_text(mails[3])
    (new_report,) = mailroom.wait(to(PDAM_MAILBOX, tracking_id), 1)
    told = poll(lambda: accepted(system, tracking_id, 5))
    assert sorted(n["audience"] for n in told) == ["reporter"] * 4 + ["skpd"]
    assert (
        new_report["Subject"]
        == f"Laporan baru {tracking_id} untuk Perumda Air Minum Bandarmasih (PDAM)"
    )


def test_an_anonim_reporter_is_told_while_no_topic_reveals_them(
    system: System, mailroom: Mailroom
) -> None:
    reporter = f"anonim-{uuid.uuid4().hex[:8]}@contoh.id"
    tracking_id = submit(system, email_report(WATER, reporter, anonim=True))
    mailroom.wait(to(reporter, tracking_id), 2)
    told = poll(lambda: accepted(system, tracking_id, 2))
    about_report = [
        topics.REPORTS,
        topics.DISPOSITIONS,
        topics.CASES,
        topics.skpd_topic("PDAM"),
        topics.outbound_topic("email"),
    ]
    records = [r for topic in about_report for r in records_about(system, topic, tracking_id, 1)]
    ids = {n["notification_id"].encode() for n in told}
    records += asyncio.run(
        read_topic(
            system.kafka,
            topics.DELIVERY,
            until=lambda found: {r.key for r in found} >= ids,
            where=lambda record: record.key in ids,
        )
    )
    assert {r.topic for r in records} == {*about_report, topics.DELIVERY}
    leaked = [r.topic for r in records if reporter.encode() in (r.value or b"")]
    assert leaked == []
    assert all(b"Siti Aminah" not in (r.value or b"") for r in records)


def test_a_web_reporter_hears_back_on_the_contact_they_left(
    system: System, mailroom: Mailroom
) -> None:
    address = f"warga-{uuid.uuid4().hex[:8]}@contoh.id"
    by_mail = submit(
        system,
        web_report(
            "Lampu jalan padam sepanjang Jl. Veteran sejak tiga malam, jalan gelap sekali",
            "Banjarmasin Timur",
            Reporter(name="Rina", email=address),
        ),
    )
    by_phone = submit(
        system,
        web_report(
            "Sampah menumpuk di TPS Jl. Kelayan B belum diangkut seminggu, baunya menyengat",
            "Banjarmasin Selatan",
            Reporter(name="Budi", phone="+6281255507788"),
        ),
    )
    (first_mail,) = mailroom.wait(to(address, by_mail), 1)[:1]
    assert "kata STOP" in body_text(first_mail)  # the address was typed into a form
    (sms,) = records_about(system, topics.outbound_topic("sms"), by_phone, 1)[:1]
    message = json.loads(sms.value)
    assert (message["template"], message["recipient"]["reporter_ref"] is not None) == (
        "case_opened",
        True,
    )
    assert "Bukan Anda? Balas STOP" in message["text"] and STATUS_LINK_MARK in message["text"]
    told = poll(lambda: audit(system, by_phone) or None)
    assert {n["channel"] for n in told if n["audience"] == "reporter"} == {"sms"}


@pytest.fixture
def tracking_clock(system: System) -> Iterator[Callable[[float], None]]:
    """Moves tracking's test clock; restarts tracking afterwards, which puts its clock back,
    so the other tests of the session see real time again."""

    def advance(seconds: float) -> None:
        response = httpx.post(
            f"{system.url('tracking')}/v1/test/clock/advance",
            json={"seconds": seconds},
            headers=system.auth("admin"),
            timeout=10,
        )
        assert response.status_code == 200, response.text

    try:
        yield advance
    finally:
        # killed, not stopped: after SIGTERM tracking lingers about 30 s past its shutdown, and
        # everything it recorded is in PostgreSQL already
        process = system.processes.pop("tracking")
        process.kill()
        process.wait()
        system.start("tracking")
        system.wait_ready("tracking")


def test_a_missed_deadline_reaches_the_body_and_the_admin(
    system: System, mailroom: Mailroom, tracking_clock: Callable[[float], None]
) -> None:
    reporter = f"pelapor-{uuid.uuid4().hex[:8]}@contoh.id"
    tracking_id = submit(system, email_report(WATER, reporter))
    public_status(system, tracking_id, "PDAM")
    tracking_clock(21 * 86400)
    (admin,) = mailroom.wait(
        lambda m: to(ADMIN_MAILBOX, tracking_id)(m) and "Terlambat" in str(m["Subject"]), 1
    )
    assert "tindak lanjut pertama" in body_text(admin)
    mailroom.wait(
        lambda m: to(PDAM_MAILBOX, tracking_id)(m) and "Terlambat" in str(m["Subject"]), 1
    )


def accepted(system: System, tracking_id: str, count: int) -> list[dict[str, Any]] | None:
    """The audit of a report once `count` messages were accepted by the SMTP server."""
    found = audit(system, tracking_id)
    done = [n for n in found if n["status"] == "accepted" and n["attempts"]]
    return found if len(done) >= count else None


def audit(system: System, tracking_id: str) -> list[dict[str, Any]]:
    """Notification's record of a report's messages so far (none before it heard of the report)."""
    response = httpx.get(
        f"{system.url('notification')}/v1/notifications/{tracking_id}",
        headers=system.auth("admin"),
        timeout=10,
    )
    if response.status_code == 404 and "no notifications" in response.text:
        return []  # callers poll: notification has not recorded the report's first message yet
    assert response.status_code == 200, response.text
    return list(response.json()["notifications"])


def test_an_assigned_officer_and_a_reporter_whose_report_was_hidden_get_their_mail(
    system: System, mailroom: Mailroom
) -> None:
    """Tracking's CaseAssigned and CaseHidden (as the desk and moderation publish them)."""
    reporter = f"pelapor-{uuid.uuid4().hex[:8]}@contoh.id"
    officer = f"petugas-{uuid.uuid4().hex[:8]}@pdam.contoh.id"
    tracking_id = submit(system, email_report(WATER, reporter))
    public_status(system, tracking_id, "PDAM")
    (opened,) = records_about(system, topics.CASES, tracking_id, 1)[:1]
    seen = json.loads(opened.value)
    common = {k: seen[k] for k in ("report_id", "tracking_id", "channel", "kind", "reporter_ref")}
    common |= {"occurred_at": datetime.now(UTC), "skpd_code": "PDAM", "status": seen["status"]}
    events = [
        CaseAssigned(**common, assignee="Siti Rahmah", assignee_email=officer),
        CaseHidden(**common, reason="abusive", flags=3),
    ]
    key = str(common["report_id"]).encode()
    asyncio.run(produce(system.kafka, topics.CASES, [(key, codec.encode(e)) for e in events]))

    (assigned,) = mailroom.wait(to(officer, tracking_id), 1)
    assert "Yth. Siti Rahmah," in body_text(assigned)
    hidden = lambda m: m["To"] == reporter and "tidak lagi tampil" in str(m["Subject"])  # noqa: E731
    (told,) = mailroom.wait(hidden, 1)
    text = body_text(told)
    assert tracking_id in str(told["Subject"]) and "kata-kata yang tidak pantas" in text
    assert STATUS_LINK_MARK not in text  # the adapter filled in the status link
