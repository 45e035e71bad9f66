"""Open311 GeoReport v2: every answer validates against the schemas; and what they cannot say."""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from services.faces.common.backends import Backends
from services.faces.common.catalogue import categories
from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build
from shared.clock import FixedClock
from tests.open311_schemas import check, check_each
from tests.unit.faces.conftest import ADAPTER, NOW, FakeServices, report
from tests.unit.faces.public_fake import PublicTracking

BASE = "/open311/v2"
PERSONAL = {"first_name", "last_name", "email", "phone", "device_id", "account_id", "name", "nik"}
CODES = {"air-minum", "jalan-drainase", "sampah", "lampu-jalan", "lalu-lintas", "kependudukan",
         "kesehatan", "pendidikan", "bantuan-sosial", "lainnya"}  # fmt: skip


@pytest.fixture
def fake() -> FakeServices:
    """Tracking's public query too: the face lists through it."""
    return PublicTracking()


@pytest.fixture
def client(backends: Backends, settings: EdgeSettings) -> TestClient:
    return TestClient(build(settings, backends, FixedClock(NOW)))


def test_services_are_the_ten_categories_with_keywords_and_group(client: TestClient) -> None:
    services = client.get(f"{BASE}/services.json").json()
    check(services, "services.json")
    assert {s["service_code"] for s in services} == CODES
    assert all(s["keywords"] and s["group"] for s in services)


def test_service_definition_validates_and_unknown_code_is_404(client: TestClient) -> None:
    definition = client.get(f"{BASE}/services/sampah.json").json()
    check(definition, "service-definition.json")
    assert {a["code"] for a in definition["attributes"]} == {"jenis", "anonim", "rahasia"}
    missing = client.get(f"{BASE}/services/tidak-ada.json")
    assert missing.status_code == 404
    assert missing.json() == [
        {"code": 404, "description": "service_code 'tidak-ada' tidak dikenal"}
    ]


def test_post_then_poll_the_token_reaches_the_service_request_id(
    client: TestClient, fake: FakeServices
) -> None:
    fake.intake_answer = 202
    form = {"api_key": ADAPTER, "service_code": "lampu-jalan", "description": "Lampu PJU mati",
            "address_string": "Jl. Pramuka, Kelayan Dalam", "lat": "-3.33", "long": "114.6",
            "email": "warga@example.id", "first_name": "Siti", "media_url": "https://f.example/a.jpg",
            "attribute[anonim]": "ya"}  # fmt: skip
    posted = client.post(f"{BASE}/requests.json", data=form)
    assert posted.status_code == 200
    check_each(posted.json(), "RequestResponse")
    token = posted.json()[0]["token"]
    sent = fake.submitted[0]
    assert sent["channel"] == "open311" and sent["message_id"] == token
    assert sent["category"] == "lampu-jalan" and sent["anonim"] is True
    assert sent["title"] == "Lampu penerangan jalan"
    assert sent["attachments"] == ["https://f.example/a.jpg"]
    assert sent["location"]["kelurahan"] == "Kelayan Dalam"
    polled = client.get(f"{BASE}/tokens/{token}.json")
    check_each(polled.json(), "TokenResponse")
    assert polled.json() == [{"service_request_id": fake.recorded[token], "token": token}]


def test_post_answers_the_service_request_id_when_intake_knows_it(
    client: TestClient, fake: FakeServices
) -> None:
    form = {"api_key": ADAPTER, "service_code": "sampah", "description": "Sampah menumpuk"}
    answer = client.post(f"{BASE}/requests.json", data=form).json()
    check_each(answer, "RequestResponse")
    assert answer[0]["service_request_id"] == "LPR-00000001"
    assert "token" not in answer[0]


@pytest.mark.parametrize(
    ("form", "status", "fragment"),
    [
        ({"service_code": "sampah", "description": "x"}, 403, "api_key"),
        ({"api_key": "salah", "service_code": "sampah", "description": "x"}, 403, "api_key"),
        ({"api_key": ADAPTER, "description": "x"}, 400, "service_code"),
        ({"api_key": ADAPTER, "service_code": "nope", "description": "x"}, 400, "service_code"),
        ({"api_key": ADAPTER, "service_code": "sampah"}, 400, "description"),
        ({"api_key": ADAPTER, "service_code": "sampah", "description": "x", "lat": "utara"},
         400, "lat"),
        ({"api_key": ADAPTER, "service_code": "sampah", "description": "x",
          "media_url": "ftp://x"}, 400, "attachments"),
    ],
)  # fmt: skip
def test_bad_posts_answer_an_error_array(
    client: TestClient, form: dict[str, str], status: int, fragment: str
) -> None:
    answer = client.post(f"{BASE}/requests.json", data=form)
    assert answer.status_code == status
    [error] = answer.json()
    assert set(error) == {"code", "description"} and error["code"] == status
    assert fragment in error["description"]


def test_list_is_public_reports_only_with_a_service_code_and_no_personal_field(
    client: TestClient, fake: FakeServices
) -> None:
    fake.cases += [
        report("LPR-AAAA0001"),
        report("LPR-AAAA0002", rahasia=True),
        report("LPR-AAAA0003", skpd=None, status="Belum Terverifikasi", due_at=None),
        report("LPR-AAAA0004", status="Terdisposisi: Selesai", category="air-minum"),
    ]
    found = client.get(f"{BASE}/requests.json").json()
    check(found, "requests.json")
    assert [r["service_request_id"] for r in found] == [
        "LPR-AAAA0001",
        "LPR-AAAA0003",
        "LPR-AAAA0004",
    ]
    by_id = {r["service_request_id"]: r for r in found}
    assert by_id["LPR-AAAA0001"]["service_code"] == "lampu-jalan"  # derived from DISPERKIM
    assert by_id["LPR-AAAA0003"]["service_code"] == "lainnya"  # no disposition yet
    assert by_id["LPR-AAAA0004"]["status"] == "closed"
    assert by_id["LPR-AAAA0001"]["status_notes"] == "Terdisposisi: Sedang Diproses"
    assert by_id["LPR-AAAA0001"]["agency_responsible"] == "Dinas Perumahan Rakyat"
    assert by_id["LPR-AAAA0001"]["media_url"] == "https://foto.example/1.jpg"
    # The public query's items carry no deadline; the request by id does (tracking's status).
    [one] = client.get(f"{BASE}/requests/LPR-AAAA0001.json").json()
    assert datetime.fromisoformat(one["expected_datetime"]) == NOW + timedelta(days=3)
    for item in found:
        assert not PERSONAL & set(item)
        assert datetime.fromisoformat(item["requested_datetime"]).tzinfo is not None


def test_list_filters_and_defaults(client: TestClient, fake: FakeServices) -> None:
    fake.cases += [
        report("LPR-OLD00001", received_at=NOW - timedelta(days=120)),
        report("LPR-NEW00001", status="Arsip"),
        report("LPR-NEW00002", skpd={"code": "PDAM", "name": "PDAM"}),
    ]

    def ids(query: str) -> list[str]:
        found = client.get(f"{BASE}/requests.json?{query}").json()
        return [r["service_request_id"] for r in found]

    assert "LPR-OLD00001" not in ids("")  # 90 days by default
    assert ids("status=closed") == ["LPR-NEW00001"]
    assert ids("service_code=air-minum") == ["LPR-NEW00002"]
    old = (NOW - timedelta(days=130)).isoformat()
    assert ids(f"start_date={old}&end_date={(NOW - timedelta(days=100)).isoformat()}") == [
        "LPR-OLD00001"
    ]
    assert ids("service_request_id=LPR-OLD00001,LPR-NOPE") == ["LPR-OLD00001"]
    bad = client.get(f"{BASE}/requests.json?start_date=kemarin")
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400
    assert client.get(f"{BASE}/requests.json?status=pending").status_code == 400


def test_list_stops_at_one_thousand(client: TestClient, fake: FakeServices) -> None:
    fake.cases += [
        report(f"LPR-{i:08d}", received_at=NOW - timedelta(minutes=i)) for i in range(1005)
    ]
    found = client.get(f"{BASE}/requests.json").json()
    assert len(found) == 1000


def test_one_request_is_an_array_of_one_and_rahasia_is_404(
    client: TestClient, fake: FakeServices
) -> None:
    fake.cases += [report("LPR-ONE00001", anonim=True), report("LPR-SECRET01", rahasia=True)]
    fake.cases += [report("LPR-HIDDEN01", hidden=True)]  # moderated off public surfaces
    one = client.get(f"{BASE}/requests/LPR-ONE00001.json")
    check(one.json(), "requests.json")
    assert len(one.json()) == 1 and not PERSONAL & set(one.json()[0])
    for unknown in ("LPR-SECRET01", "LPR-HIDDEN01", "LPR-NOTHERE"):
        answer = client.get(f"{BASE}/requests/{unknown}.json")
        assert answer.status_code == 404 and answer.json()[0]["code"] == 404


def test_xml_carries_the_same_documents(client: TestClient, fake: FakeServices) -> None:
    fake.cases.append(report("LPR-XML00001"))
    services = ElementTree.fromstring(client.get(f"{BASE}/services.xml").content)
    assert services.tag == "services" and len(services.findall("service")) == len(categories())
    requests = ElementTree.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert requests.find("request/service_request_id").text == "LPR-XML00001"  # type: ignore[union-attr]
    error = client.get(f"{BASE}/requests/LPR-NOPE.xml")
    assert error.status_code == 404 and error.headers["content-type"].startswith("text/xml")
    assert ElementTree.fromstring(error.content).find("error/code").text == "404"  # type: ignore[union-attr]


def test_discovery_names_this_endpoint(client: TestClient) -> None:
    document = client.get(f"{BASE}/discovery.json").json()
    assert document["endpoints"][0]["url"].endswith("/open311/v2")
    assert client.get(f"{BASE}/services.yaml").status_code == 404


def test_token_unknown_is_404(client: TestClient) -> None:
    answer = client.get(f"{BASE}/tokens/o311-nothing.json")
    assert answer.status_code == 404 and answer.json()[0]["code"] == 404
