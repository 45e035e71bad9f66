"""Open311 for back offices: servicerequestupdates, paging, extensions, read your own writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from fastapi.testclient import TestClient
from jsonschema import ValidationError
from xmlschema import XMLSchemaValidationError

from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build
from shared.clock import FixedClock
from tests.open311_schemas import PUBLISHED, check, check_updates, check_updates_xml
from tests.unit.faces.conftest import ADAPTER, NOW, report
from tests.unit.faces.public_fake import PublicTracking

BASE = "/open311/v2"


@pytest.fixture
def fake() -> PublicTracking:
    return PublicTracking()


@pytest.fixture
def backends(fake: PublicTracking, settings: EdgeSettings) -> Iterator[Backends]:
    client = Backends(settings, transport=httpx.MockTransport(fake.handle))
    yield client
    client.close()


@pytest.fixture
def client(backends: Backends, settings: EdgeSettings) -> TestClient:
    return TestClient(build(settings, backends, FixedClock(NOW)))


def update(n: int, at: datetime, bucket: str = "Terdisposisi: Sedang Diproses") -> dict[str, Any]:
    closed = bucket in ("Terdisposisi: Selesai", "Arsip")
    return {"update_id": f"LPR-UPD{n:05d}-{n}", "tracking_id": f"LPR-UPD{n:05d}",
            "status": "closed" if closed else "open", "bucket": bucket, "occurred_at": at,
            "description": f"Tindak lanjut {n}", "media_url": None}  # fmt: skip


def ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [r["service_request_id"] for r in answer.json()]


# --- servicerequestupdates --------------------------------------------------------------------


def test_updates_between_two_moments_oldest_first_valid_in_both_formats(
    client: TestClient, fake: PublicTracking
) -> None:
    start = NOW - timedelta(hours=6)
    fake.updates += [update(3, start + timedelta(hours=2), "Terdisposisi: Selesai"),
                     update(1, start - timedelta(seconds=1)), update(2, start),
                     update(4, NOW)]  # fmt: skip
    window = {"start_date": start.isoformat(), "end_date": NOW.isoformat()}
    answer = client.get(f"{BASE}/servicerequestupdates.json", params=window)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    check_updates(found)
    assert [u["update_id"] for u in found] == ["LPR-UPD00002-2", "LPR-UPD00003-3"]
    assert found[1] == {
        "update_id": "LPR-UPD00003-3", "service_request_id": "LPR-UPD00003", "status": "closed",
        "updated_datetime": (start + timedelta(hours=2)).isoformat(),
        "description": "Tindak lanjut 3", "media_url": None,
        "external_status_code": "Terdisposisi: Selesai",
    }  # fmt: skip
    xml = client.get(f"{BASE}/servicerequestupdates.xml", params=window)
    assert xml.headers["content-type"].startswith("text/xml")
    check_updates_xml(xml.content)
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "service_request_updates"
    assert [e.findtext("update_id") for e in root.findall("request_update")] == [
        "LPR-UPD00002-2",
        "LPR-UPD00003-3",
    ]
    assert root.findtext("request_update/media_url") == ""


def test_an_answer_that_breaks_the_schema_is_caught_by_it() -> None:
    good = {"update_id": "u", "service_request_id": "LPR-1", "status": "open",
            "updated_datetime": NOW.isoformat(), "description": None, "media_url": None,
            "external_status_code": "Arsip"}  # fmt: skip
    check_updates([good])
    for broken in ({**good, "status": "pending"}, {**good, "updated_datetime": "kemarin"},
                   {k: v for k, v in good.items() if k != "update_id"}):  # fmt: skip
        with pytest.raises(ValidationError):
            check_updates([broken])
    with pytest.raises(XMLSchemaValidationError):
        check_updates_xml(b"<service_request_updates><request_update><update_id>1</update_id>"
                          b"</request_update></service_request_updates>")  # fmt: skip


def test_the_window_defaults_to_the_last_24_hours(client: TestClient, fake: PublicTracking) -> None:
    fake.updates += [update(1, NOW - timedelta(hours=25)), update(2, NOW - timedelta(hours=23))]
    found = client.get(f"{BASE}/servicerequestupdates.json").json()
    assert [u["update_id"] for u in found] == ["LPR-UPD00002-2"]


def test_a_window_too_wide_asks_for_pages_and_pages_cover_it(
    client: TestClient, fake: PublicTracking, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.faces.open311.updates.MAX_UPDATES", 4)
    fake.updates += [update(n, NOW - timedelta(minutes=n)) for n in range(1, 6)]
    refused = client.get(f"{BASE}/servicerequestupdates.json")
    assert refused.status_code == 400 and "page" in refused.json()[0]["description"]
    pages = [
        client.get(f"{BASE}/servicerequestupdates.json", params={"page": p, "page_size": 2}).json()
        for p in (1, 2, 3)
    ]
    assert [u["update_id"] for page in pages for u in page] == [
        f"LPR-UPD{n:05d}-{n}" for n in (5, 4, 3, 2, 1)
    ]


@pytest.mark.parametrize(
    "query",
    ["start_date=kemarin", "end_date=2026-11-01T00:00:00%2B08:00&start_date=2026-11-02T00:00:00Z",
     "page=0", "page_size=1001", "page=dua"],
)  # fmt: skip
def test_bad_update_parameters_answer_an_error_array(client: TestClient, query: str) -> None:
    answer = client.get(f"{BASE}/servicerequestupdates.json?{query}")
    assert answer.status_code == 400
    [error] = answer.json()
    assert error["code"] == 400


def test_the_schemas_are_served_as_published(client: TestClient) -> None:
    for name in ("servicerequestupdates.json", "servicerequestupdates.xsd"):
        served = client.get(f"{BASE}/schemas/{name}")
        assert served.status_code == 200
        assert served.content == Path(PUBLISHED / name).read_bytes()
    assert client.get(f"{BASE}/schemas/lain.json").status_code == 404


# --- requests: filters in tracking, paging, extensions ----------------------------------------


def test_filters_run_in_trackings_public_query_never_the_feed(
    client: TestClient, fake: PublicTracking
) -> None:
    fake.cases += [
        report("LPR-PDAM0001", skpd={"code": "PDAM", "name": "PDAM"}),
        report("LPR-DONE0001", status="Terdisposisi: Selesai"),
        report("LPR-OLD00001", received_at=NOW - timedelta(days=100)),
    ]
    assert ids(client.get(f"{BASE}/requests.json?service_code=air-minum")) == ["LPR-PDAM0001"]
    assert ids(client.get(f"{BASE}/requests.json?status=closed")) == ["LPR-DONE0001"]
    assert "LPR-OLD00001" not in ids(client.get(f"{BASE}/requests.json"))
    asked = [{k: v for k, v in q.items() if k in ("category", "skpd", "status")}
             for q in fake.public_queries]  # fmt: skip
    assert asked[:3] == [{"category": "air-minum"}, {"skpd": "PDAM"}, {"status": "closed"}]
    assert fake.feed_walked == 0


def test_a_service_code_is_the_category_else_the_body_as_the_documents_say(
    client: TestClient, fake: PublicTracking
) -> None:
    pdam = {"code": "PDAM", "name": "PDAM"}
    fake.cases += [
        report("LPR-CODE0001", skpd=pdam),  # by SMS: no category, the body's code
        report("LPR-CODE0002", skpd=pdam, category="sampah"),  # the reporter's choice wins
        report("LPR-CODE0003", skpd=None, status="Belum Terverifikasi"),  # no body yet
        report("LPR-CODE0004", skpd=None, status="Tertunda", category="lainnya"),
        report("LPR-CODE0005", received_at=NOW - timedelta(days=3), category="air-minum"),
    ]
    everything = client.get(f"{BASE}/requests.json").json()
    by_code: dict[str, list[str]] = {}
    for item in everything:
        by_code.setdefault(item["service_code"], []).append(item["service_request_id"])
    for code, listed in by_code.items():
        assert ids(client.get(f"{BASE}/requests.json?service_code={code}")) == listed
    assert by_code["air-minum"] == ["LPR-CODE0001", "LPR-CODE0005"]
    assert by_code["lainnya"] == ["LPR-CODE0003", "LPR-CODE0004"]
    open_other = ids(client.get(f"{BASE}/requests.json?service_code=lainnya&status=closed"))
    assert open_other == []


def test_several_service_codes_are_merged_newest_first(
    client: TestClient, fake: PublicTracking
) -> None:
    fake.cases += [
        report(f"LPR-MIX{n:05d}", received_at=NOW - timedelta(hours=n), category=code)
        for n, code in enumerate(["sampah", "air-minum", "sampah", "lainnya", "air-minum"])
    ]
    found = ids(client.get(f"{BASE}/requests.json?service_code=air-minum,sampah"))
    assert found == ["LPR-MIX00000", "LPR-MIX00001", "LPR-MIX00002", "LPR-MIX00004"]


def test_pages_together_are_exactly_the_list_without_page(
    client: TestClient, fake: PublicTracking
) -> None:
    fake.cases += [
        report(f"LPR-{i:08d}", received_at=NOW - timedelta(minutes=i // 2)) for i in range(1005)
    ]
    whole = ids(client.get(f"{BASE}/requests.json"))
    assert len(whole) == 1000 and len(set(whole)) == 1000
    pages = [ids(client.get(f"{BASE}/requests.json?page={p}&page_size=300")) for p in range(1, 6)]
    assert [len(p) for p in pages] == [300, 300, 300, 100, 0]
    assert [i for page in pages for i in page] == whole
    assert ids(client.get(f"{BASE}/requests.json?page=2")) == whole[50:100]


def test_extensions_add_channel_place_bucket_and_body(
    client: TestClient, fake: PublicTracking
) -> None:
    fake.cases.append(report("LPR-EXT00001"))
    plain = client.get(f"{BASE}/requests.json").json()
    assert "extended_attributes" not in plain[0]
    found = client.get(f"{BASE}/requests.json?extensions=true").json()
    check(found, "requests.json")
    assert found[0]["extended_attributes"] == {
        "channel": "web", "kecamatan": "Banjarmasin Tengah", "kelurahan": "Teluk Dalam",
        "bucket": "Terdisposisi: Sedang Diproses",
        "body": {"code": "DISPERKIM", "name": "Dinas Perumahan Rakyat"},
    }  # fmt: skip
    one = client.get(f"{BASE}/requests/LPR-EXT00001.xml?extensions=true")
    root = ElementTree.fromstring(one.content)
    assert root.findtext("request/extended_attributes/body/code") == "DISPERKIM"


# --- read your own writes ---------------------------------------------------------------------

FORM = {"api_key": ADAPTER, "service_code": "sampah", "description": "Sampah menumpuk di TPS"}


def test_a_posted_request_answers_at_once_before_tracking_knows_it(
    client: TestClient, fake: PublicTracking
) -> None:
    [posted] = client.post(f"{BASE}/requests.json", data=FORM).json()
    request_id = posted["service_request_id"]
    answer = client.get(f"{BASE}/requests/{request_id}.json")
    assert answer.status_code == 200, answer.text
    check(answer.json(), "requests.json")
    [item] = answer.json()
    assert (item["service_request_id"], item["status"], item["service_code"]) == (
        request_id,
        "open",
        "sampah",
    )
    assert datetime.fromisoformat(item["requested_datetime"]) == NOW
    assert ids(client.get(f"{BASE}/requests.json?service_request_id={request_id}")) == [request_id]


def test_a_token_resolved_on_one_replica_answers_on_another(
    backends: Backends, settings: EdgeSettings, fake: PublicTracking
) -> None:
    fake.intake_answer = 202
    first, second = (TestClient(build(settings, backends, FixedClock(NOW))) for _ in range(2))
    [posted] = first.post(f"{BASE}/requests.json", data=FORM).json()
    [resolved] = first.get(f"{BASE}/tokens/{posted['token']}.json").json()
    answer = second.get(f"{BASE}/requests/{resolved['service_request_id']}.json")
    assert answer.status_code == 200 and answer.json()[0]["status"] == "open"


def test_a_rahasia_request_is_never_answered_before_or_after_tracking(
    client: TestClient, fake: PublicTracking
) -> None:
    form = {**FORM, "attribute[rahasia]": "ya"}
    [posted] = client.post(f"{BASE}/requests.json", data=form).json()
    answer = client.get(f"{BASE}/requests/{posted['service_request_id']}.json")
    assert answer.status_code == 404 and answer.json()[0]["code"] == 404


def test_tracking_answers_once_it_knows_the_request(
    client: TestClient, fake: PublicTracking
) -> None:
    [posted] = client.post(f"{BASE}/requests.json", data=FORM).json()
    fake.cases.append(report(posted["service_request_id"], status="Terdisposisi: Selesai"))
    [item] = client.get(f"{BASE}/requests/{posted['service_request_id']}.json").json()
    assert item["status"] == "closed" and item["description"]


def test_a_given_request_answers_while_tracking_is_down_and_nothing_else_does(
    client: TestClient, fake: PublicTracking
) -> None:
    [posted] = client.post(f"{BASE}/requests.json", data=FORM).json()
    fake.tracking_down = True
    [item] = client.get(f"{BASE}/requests/{posted['service_request_id']}.json").json()
    assert item["status"] == "open" and item["service_notice"]
    unknown = client.get(f"{BASE}/requests/LPR-NOTHERE.json")
    assert unknown.status_code == 503 and unknown.json()[0]["code"] == 503
