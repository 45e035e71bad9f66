"""The public record on the real broker and PostgreSQL: masking, flags, the admin's review."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from typing import Any

import httpx
import pytest

from shared import topics
from shared.auth import digest, new_token
from shared.contracts import IntakeMessage, Location, Reporter
from tests.e2e.conftest import System
from tests.e2e.test_report_path import intake_message, poll, records_about, submit

pytestmark = pytest.mark.e2e

PHONE, EMAIL, NIK = "0813-5577-2468", "warga.anonim@yahoo.co.id", "6371045508900003"
# A sender of its own: other modules' reports from a shared number would trip the flood rule.
SENDER = "+6281255504321"
ADMIN_NAME = "Sari Rahmawati"
MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?")


def _anonim_report(run: str) -> IntakeMessage:
    message = intake_message(
        f"Jalan berlubang di Jl. Pramuka {run}, tolong hubungi saya di {PHONE} "
        f"atau {EMAIL}, NIK saya {NIK}",
        SENDER,
    )
    location = Location(kecamatan="Banjarmasin Timur", latitude=-3.324567, longitude=114.612345)
    reporter = Reporter(name="Warga Anonim", phone=SENDER)
    return message.model_copy(update={"anonim": True, "location": location, "reporter": reporter})


def _admin_token(system: System) -> dict[str, str]:
    """A person's admin token, issued as `lapor tokens issue admin --name …` would."""
    token = new_token()
    issued = system.folder / "tokens.json"
    known = json.loads(issued.read_text()) if issued.exists() else {}
    known[digest(token)] = {"role": "admin", "name": ADMIN_NAME}
    issued.write_text(json.dumps(known))
    return {"Authorization": f"Bearer {token}"}


def _listed(system: System, run: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{system.url('tracking')}/v1/public/reports", params={"q": run}, timeout=5)
    answer.raise_for_status()
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _flag(system: System, tracking_id: str, address: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{system.url('tracking')}/v1/public/reports/{tracking_id}/flags",
        json={"reason": "memuat data pribadi pelapor"},
        headers={"X-Forwarded-For": address},
        timeout=5,
    )
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _case_events(system: System, tracking_id: str, wanted: set[str], at_least: int) -> list[Any]:
    records = records_about(system, topics.CASES, tracking_id, at_least)
    return [json.loads(r.value) for r in records if json.loads(r.value)["event_type"] in wanted]


def _own_feed_item(base: str, tracking_id: str) -> str:
    """This report's item of the whole feed (other tests' reports may hold the same digits)."""
    feed = httpx.get(f"{base}/v1/feed", params={"limit": 500}, timeout=5).json()
    items = feed["items"] if isinstance(feed, dict) else feed
    return json.dumps([i for i in items if i["tracking_id"] == tracking_id])


def test_an_anonim_reports_contacts_show_on_no_public_surface(system: System) -> None:
    run = f"uji{uuid.uuid4().hex[:8]}"
    tracking_id = submit(system, _anonim_report(run))
    [item] = poll(lambda: _listed(system, run) or None)
    assert item["tracking_id"] == tracking_id
    assert (item["latitude"], item["longitude"]) == (-3.325, 114.612)
    base = system.url("tracking")
    surfaces = {
        "query": httpx.get(f"{base}/v1/public/reports", params={"q": run}, timeout=5).text,
        "feed": _own_feed_item(base, tracking_id),
        "csv": httpx.get(f"{base}/v1/feed.csv", params={"q": run}, timeout=5).text,
        "geojson": httpx.get(f"{base}/v1/feed.geojson", params={"q": run}, timeout=5).text,
        "status": httpx.get(f"{base}/v1/reports/{tracking_id}", timeout=5).text,
    }
    for name, text in surfaces.items():
        assert tracking_id in text, name
        shown = MOMENT.sub("<moment>", text)  # a moment's microseconds may hold any digits
        for secret in (PHONE, EMAIL, NIK, "5577", "Warga Anonim", SENDER.lstrip("+")):
            assert secret not in shown, (name, secret)
    [row] = csv.DictReader(io.StringIO(surfaces["csv"]))
    assert "[nomor telepon disamarkan]" in row["text"] and "[email disamarkan]" in row["text"]
    assert "[nomor identitas disamarkan]" in row["text"]
    assert json.loads(surfaces["geojson"])["features"][0]["geometry"]["coordinates"] == [
        114.612,
        -3.325,
    ]


def test_three_flags_hide_a_report_and_the_admin_shows_it_again(system: System) -> None:
    run = f"uji{uuid.uuid4().hex[:8]}"
    text = f"Sampah menumpuk di pinggir Jl. Kelayan A gang {run}, bau sekali"
    tracking_id = submit(system, intake_message(text, "+6281255504322"))
    poll(lambda: _listed(system, run) or None)

    flags = [_flag(system, tracking_id, f"203.0.113.{n}") for n in (11, 12, 13)]
    assert [(f["flags"], f["hidden"]) for f in flags] == [(1, False), (2, False), (3, True)]
    poll(lambda: True if not _listed(system, run) else None)
    status = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=5).json()
    assert status["hidden"] is True and status["text"] is None

    admin = _admin_token(system)
    shown = httpx.post(
        f"{system.url('tracking')}/v1/moderation/{tracking_id}/show",
        json={"reason": "sudah ditinjau: tidak melanggar"},
        headers=admin,
        timeout=5,
    )
    assert shown.status_code == 200, shown.text
    poll(lambda: _listed(system, run) or None)

    def reviewed() -> dict[str, Any] | None:
        answer = httpx.get(
            f"{system.url('tracking')}/v1/moderation/{tracking_id}", headers=admin, timeout=5
        )
        item: dict[str, Any] = answer.json()
        return item if [a["act"] for a in item["acts"]][-1:] == ["shown"] else None

    acts = [(a["act"], a["role"], a["name"], a["flags"]) for a in poll(reviewed)["acts"]]
    assert acts == [
        ("flagged", "", "", 0),
        ("flagged", "", "", 0),
        ("flagged", "", "", 0),
        ("hidden", "", "", 3),
        ("shown", "admin", ADMIN_NAME, 0),
    ]
    published = _case_events(system, tracking_id, {"CaseHidden", "CaseShown"}, 4)
    assert [(e["event_type"], e.get("flags"), e["actor"]) for e in published] == [
        ("CaseHidden", 3, None),
        ("CaseShown", None, {"role": "admin", "name": ADMIN_NAME}),
    ]
    timeline = [e["description"] for e in status_of(system, tracking_id)["events"]]
    assert "Laporan disembunyikan dari publik untuk ditinjau" in timeline
    assert "Laporan ditampilkan kembali untuk publik setelah ditinjau" in timeline


def status_of(system: System, tracking_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=5)
    found: dict[str, Any] = answer.json()
    return found
