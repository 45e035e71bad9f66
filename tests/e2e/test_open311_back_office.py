"""Open311 for back offices on the real system: servicerequestupdates, read your writes, paging."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build
from services.faces.open311.given import NOTICE
from tests.e2e.conftest import System
from tests.e2e.test_faces import _until
from tests.e2e.test_tracking_flow import _desk, _disposed_to
from tests.open311_schemas import check, check_updates, check_updates_xml

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:6]


def _post(base: str, system: System, text: str, **fields: str) -> str:
    """POST a request; its service_request_id (polling the token when intake was slow)."""
    form = {"api_key": system.tokens["adapter"], "service_code": "air-minum",
            "description": text, "address_string": "Jl. Sultan Adam", **fields}  # fmt: skip
    posted = httpx.post(f"{base}/requests.json", data=form, timeout=30)
    assert posted.status_code == 200, posted.text
    [answer] = posted.json()
    if "service_request_id" in answer:
        return str(answer["service_request_id"])

    def resolved() -> str | None:
        [found] = httpx.get(f"{base}/tokens/{answer['token']}.json").json()
        return found.get("service_request_id")  # type: ignore[no-any-return]

    return str(_until(resolved))


def _tracking_updates(system: System, **window: str) -> list[dict[str, Any]]:
    """Every update tracking lists in a window, all pages."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        params = {**window, "page": str(page), "page_size": "1000"}
        answer = httpx.get(f"{system.url('tracking')}/v1/public/updates", params=params)
        assert answer.status_code == 200, answer.text
        found += answer.json()["items"]
        if len(found) >= answer.json()["total"] or not answer.json()["items"]:
            return found
        page += 1


def _pull(base: str, fmt: str, start: datetime, end: datetime) -> httpx.Response:
    window = {"start_date": start.isoformat(), "end_date": end.isoformat()}
    answer = httpx.get(f"{base}/servicerequestupdates.{fmt}", params=window, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer


@pytest.mark.timeout(600)
def test_a_back_office_pulls_every_update_of_a_window_once_in_both_formats(
    system: System, faces: dict[str, str]
) -> None:
    base = f"{faces['open311']}/open311/v2"
    first = _post(base, system, f"Air PDAM mati sejak kemarin di rumah nomor 5 ({RUN})")
    second = _post(base, system, f"Air PDAM keruh dan berbau di gang 7 ({RUN})")
    hidden = {"attribute[rahasia]": "ya"}
    secret = _post(base, system, f"Air PDAM mati, saya takut ({RUN})", **hidden)
    for tracking_id in (first, second, secret):
        _disposed_to(system, tracking_id, "PDAM")
    moves = [
        (first, {"action": "acknowledge"}),
        (first, {"action": "follow-up", "text": "Petugas datang besok, hubungi 0812-3456-7890"}),
        (first, {"action": "resolve", "text": "Pipa sudah diganti"}),
        (second, {"action": "follow-up", "text": "Sedang kami periksa"}),
        (secret, {"action": "follow-up", "text": "Rahasia: kami tangani"}),
    ]
    for tracking_id, move in moves:
        assert _desk(system, "PDAM", tracking_id, "skpd:PDAM", **move).status_code == 202

    def mine() -> list[dict[str, Any]] | None:
        every = _tracking_updates(system)
        found = [u for u in every if u["tracking_id"] in (first, second)]
        return found if len(found) == 6 and any(u["status"] == "closed" for u in found) else None

    ours = _until(mine)
    assert [u["bucket"] for u in ours if u["tracking_id"] == first] == [
        "Terdisposisi: Belum Ditindaklanjuti", "Terdisposisi: Sedang Diproses",
        "Terdisposisi: Sedang Diproses", "Terdisposisi: Selesai",
    ]  # fmt: skip
    moments = [datetime.fromisoformat(u["occurred_at"]) for u in ours]
    start, end = min(moments), max(moments) + timedelta(microseconds=1)
    served = _pull(base, "json", start, end).json()
    check_updates(served)
    ids = [u["update_id"] for u in served]
    assert len(ids) == len(set(ids))  # each update once
    assert {u["update_id"] for u in ours} <= set(ids)  # every follow-up and resolution
    window = {"start": start.isoformat(), "end": end.isoformat()}
    assert ids == [u["update_id"] for u in _tracking_updates(system, **window)]
    assert secret not in {u["service_request_id"] for u in served}
    words = {u["description"] for u in served if u["service_request_id"] == first}
    assert "Pipa sudah diganti" in words and not any("0812-3456-7890" in (w or "") for w in words)

    xml = _pull(base, "xml", start, end)
    check_updates_xml(xml.content)
    root = ElementTree.fromstring(xml.content)
    assert [e.findtext("update_id") for e in root.findall("request_update")] == ids

    follow_up = next(u for u in ours if u["description"] == "Sedang kami periksa")
    middle = datetime.fromisoformat(follow_up["occurred_at"])
    halves = _pull(base, "json", start, middle).json() + _pull(base, "json", middle, end).json()
    assert [u["update_id"] for u in halves] == ids


@pytest.mark.timeout(300)
def test_a_posted_request_answers_at_once_on_any_replica(
    system: System, faces: dict[str, str]
) -> None:
    base = f"{faces['open311']}/open311/v2"
    settings = EdgeSettings(
        intake_url=system.url("intake"), tracking_url=system.url("tracking"),
        open311_adapter_token=SecretStr(system.tokens["adapter"]),
    )  # fmt: skip
    other = TestClient(build(settings))  # a second replica of the face, sharing nothing
    provisional = 0
    for n in range(3):
        tracking_id = _post(base, system, f"Air PDAM tidak mengalir di rumah {n} ({RUN})")
        for replica, prefix in ((httpx, base), (other, "/open311/v2")):
            answer = replica.get(f"{prefix}/requests/{tracking_id}.json")
            assert answer.status_code == 200, answer.text  # at once: no waiting, no retry
            check(answer.json(), "requests.json")
            [item] = answer.json()
            assert item["service_request_id"] == tracking_id and item["status"] == "open"
            provisional += item["service_notice"] == NOTICE
    print(f"answered before tracking projected the case: {provisional} of 6")


@pytest.mark.timeout(300)
def test_a_given_request_answers_while_tracking_cannot_and_then_from_tracking(
    system: System, faces: dict[str, str]
) -> None:
    base = f"{faces['open311']}/open311/v2"
    system.stop("tracking")  # tracking cannot have projected what is posted now
    try:
        tracking_id = _post(base, system, f"Air PDAM mati total di blok C ({RUN})")
        answer = httpx.get(f"{base}/requests/{tracking_id}.json")
        assert answer.status_code == 200, answer.text
        check(answer.json(), "requests.json")
        [item] = answer.json()
        assert (item["status"], item["service_code"], item["service_notice"]) == (
            "open",
            "air-minum",
            NOTICE,
        )
        assert item["description"] is None  # the text waits for tracking's masking
        unknown = httpx.get(f"{base}/requests/LPR-TIDAKADA.json")
        assert unknown.status_code == 503
    finally:
        system.start("tracking")
        system.wait_ready("tracking")

    def from_tracking() -> dict[str, Any] | None:
        [found] = httpx.get(f"{base}/requests/{tracking_id}.json").json()
        return found if found["service_notice"] is None else None

    assert _until(from_tracking)["description"]


@pytest.mark.timeout(300)
def test_requests_pages_together_are_exactly_the_list(
    system: System, faces: dict[str, str]
) -> None:
    base = f"{faces['open311']}/open311/v2"
    posted = {_post(base, system, f"Air PDAM mati di blok {n} ({RUN})") for n in range(3)}

    def listed() -> list[str] | None:
        answer = httpx.get(f"{base}/requests.json", params={"service_code": "air-minum"})
        found = [r["service_request_id"] for r in answer.json()]
        return found if posted <= set(found) else None

    whole = _until(listed)
    pages: list[str] = []
    for page in range(1, len(whole) // 7 + 3):
        params = {"service_code": "air-minum", "page": str(page), "page_size": "7"}
        answer = httpx.get(f"{base}/requests.json", params=params)
        if answer.json():
            check(answer.json(), "requests.json")
        pages += [r["service_request_id"] for r in answer.json()]
    assert pages == whole and len(set(pages)) == len(pages)
    extended = httpx.get(f"{base}/requests.json", params={"extensions": "true"}).json()
    assert all(set(r["extended_attributes"]) >= {"channel", "bucket", "body"} for r in extended)
