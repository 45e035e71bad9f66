"""Erasure per person and anonim masking on the real stack (four services, Kafka, PostgreSQL).

A person with three reports is erased in one call: all three answer 410 to the admin's identity
read and to an adapter's vault look-up, and intake's database keeps no key of theirs. An anonim
report whose text holds a phone number, an e-mail and a NIK reaches the body's routed topic (and
routing's and tracking's stores) masked, while the admin's identity read shows the original."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from shared import topics
from shared.contracts import Reporter
from tests.e2e.conftest import System
from tests.e2e.test_identity_privacy import database_rows, leaks
from tests.e2e.test_status_link import message, reporter_ref_of, submit_http
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.e2e

TEXTS = (
    "Trotoar di Jl. Lambung Mangkurat depan kantor pos rusak, pejalan kaki terpaksa turun",
    "Lampu penerangan jalan di Jl. Pramuka dekat jembatan mati sejak seminggu",
    "Sampah menumpuk di TPS Pasar Lama belum diangkut tiga hari, baunya menyengat",
)


def identity(system: System, tracking_id: str) -> httpx.Response:
    url = f"{system.url('intake')}/v1/reports/{tracking_id}/identity"
    return httpx.get(url, headers=system.auth("admin"), timeout=30)


def keys_left(system: System, tracking_ids: list[str]) -> int:
    """Distinct keys still held for these reports in intake's own database."""
    url = urlsplit(system.database_url)
    intake = urlunsplit(url._replace(path=f"/{system.prefix}_intake"))
    with psycopg.connect(intake, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(DISTINCT k.key_id) FROM intake_keys k JOIN intake_reporters r "
            "ON r.key_id = k.key_id WHERE r.tracking_id = ANY(%s)",
            (tracking_ids,),
        ).fetchone()
    return int(row[0]) if row else -1


def test_a_person_with_three_reports_is_erased_in_one_call(system: System) -> None:
    phone = f"0813{uuid.uuid4().int % 10**8:08d}"
    mine = [
        submit_http(system, message("sms", Reporter(name="Budi", phone=phone), text))
        for text in TEXTS
    ]
    tracking_ids = [str(answer["tracking_id"]) for answer in mine]
    other_text = "Parit di Jl. Belitung Darat tersumbat lumpur, air menggenang setiap hujan"
    other = submit_http(system, message("sms", Reporter(phone=f"0857{phone[4:]}"), other_text))
    refs = [reporter_ref_of(system, t) for t in tracking_ids]
    assert [identity(system, t).json()["phone"] for t in tracking_ids] == [phone] * 3
    assert keys_left(system, tracking_ids) == 1  # one person, one key

    spelt_otherwise = f"+62 {phone[1:4]}-{phone[4:8]}-{phone[8:]}"
    erased = httpx.post(
        f"{system.url('intake')}/v1/erasures",
        json={"channel": "sms", "contact": spelt_otherwise},
        headers=system.auth("admin"),
        timeout=30,
    )
    assert erased.status_code == 200, erased.text
    assert sorted(erased.json()["tracking_ids"]) == sorted(tracking_ids)
    assert [identity(system, t).status_code for t in tracking_ids] == [410, 410, 410]
    vault = f"{system.url('intake')}/v1/vault/"
    looked = [httpx.get(vault + r, headers=system.auth("adapter"), timeout=30) for r in refs]
    assert [answer.status_code for answer in looked] == [410, 410, 410]
    assert keys_left(system, tracking_ids) == 0
    assert identity(system, str(other["tracking_id"])).status_code == 200


SECRETS = ("0812-5555-0101", "warga.kuin@contoh.id", "6371014508900001")
LEAKY = (  # worded like no other report of the session, so it is not linked as a duplicate
    "Pipa PDAM bocor besar di Gang Kenanga, air bersih terbuang ke selokan sejak subuh dan "
    f"tekanan air di rumah warga sangat kecil. Hubungi saya di {SECRETS[0]} atau {SECRETS[1]}, "
    f"NIK {SECRETS[2]}."
)


def routed(system: System, tracking_id: str) -> dict[str, Any]:
    """The report as routing published it on the body's own topic."""
    disposed = asyncio.run(
        read_topic(
            system.kafka,
            topics.DISPOSITIONS,
            until=lambda found: bool(found),
            where=lambda r: (
                tracking_id.encode() in (r.value or b"") and b"ReportDisposed" in (r.value or b"")
            ),
            timeout=120,
        )
    )
    assert disposed, f"{tracking_id} was never disposed"
    code = json.loads(disposed[0].value)["skpd_code"]
    found = asyncio.run(
        read_topic(
            system.kafka,
            topics.skpd_topic(code),
            until=lambda found: bool(found),
            where=lambda r: tracking_id.encode() in (r.value or b""),
            timeout=120,
        )
    )
    assert found, f"{tracking_id} never reached {topics.skpd_topic(code)}"
    value: dict[str, Any] = json.loads(found[0].value)
    return value


def test_an_anonim_report_reaches_the_body_masked_and_the_admin_reads_the_original(
    system: System,
) -> None:
    who = Reporter(email=f"pelapor.{uuid.uuid4().hex[:8]}@contoh.id")
    sent = message("web", who, LEAKY).model_copy(update={"anonim": True})
    tracking_id = str(submit_http(system, sent)["tracking_id"])
    report = routed(system, tracking_id)
    assert not [s for s in SECRETS if s in report["text"]]
    assert "[nomor telepon disamarkan]" in report["text"]
    assert "[email disamarkan]" in report["text"]
    assert "[nomor identitas disamarkan]" in report["text"]
    stores = {d: database_rows(system, f"{system.prefix}_{d}") for d in ("routing", "tracking")}
    assert leaks(stores, [s.encode() for s in SECRETS]) == []
    original = identity(system, tracking_id)
    assert original.status_code == 200
    assert (original.json()["text"], original.json()["masked"]) == (LEAKY, True)
    assert original.json()["email"] == who.email
