"""Odd input schemathesis found at the edges: a refusal in the face's own format, never a 500."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build as open311
from services.faces.web.app import build as web
from shared.auth import TokenStore

BASE = "/open311/v2"


def _seen(answer: httpx.Response) -> tuple[list[str], Backends]:
    """Backends answering `answer` to everything, recording the raw paths they were asked."""
    paths: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path.decode())
        return answer

    return paths, Backends(EdgeSettings(), transport=httpx.MockTransport(handle))


def test_open311_refuses_a_non_ascii_api_key_with_a_georeport_403() -> None:
    paths, backends = _seen(httpx.Response(200, json={}))
    client = TestClient(open311(EdgeSettings(), backends))
    form = {"api_key": "kunci-ñ", "service_code": "sampah", "description": "Sampah menumpuk"}
    posted = client.post(f"{BASE}/requests.json", data=form)
    polled = client.get(f"{BASE}/tokens/o311-x.json", params={"api_key": "ключ"})
    for answer in (posted, polled):
        assert answer.status_code == 403
        assert answer.json() == [{"code": 403, "description": "api_key tidak valid"}]
    assert paths == []


def test_open311_sends_an_id_with_a_question_mark_or_control_character_as_one_segment() -> None:
    paths, backends = _seen(httpx.Response(404, json={"detail": "no report"}))
    client = TestClient(open311(EdgeSettings(), backends))
    answer = client.get(f"{BASE}/requests/LPR-1%3Fx%08.json")  # unquoted: a query, or a 500
    assert answer.status_code == 404 and answer.json()[0]["code"] == 404
    assert paths == ["/v1/reports/LPR-1%3Fx%08"]


def test_web_status_page_of_an_id_tracking_refuses_is_not_found_not_unavailable() -> None:
    _, backends = _seen(httpx.Response(422, json={"detail": [{"msg": "control character"}]}))
    client = TestClient(web(EdgeSettings(), backends, TokenStore({})))
    answer = client.get("/laporan/%C2%89p%03")
    assert answer.status_code == 404
    assert "Laporan tidak ditemukan" in answer.text


def test_open311_answers_an_unknown_path_or_method_in_georeport_format() -> None:
    _, backends = _seen(httpx.Response(200, json={}))
    client = TestClient(open311(EdgeSettings(), backends))
    unknown = client.get(f"{BASE}/tidak-ada/sama/sekali.json")
    assert unknown.status_code == 404
    assert unknown.json() == [{"code": 404, "description": "alamat tidak dikenal"}]
    wrong = client.delete(f"{BASE}/services.xml")
    assert (
        wrong.status_code == 405 and "<errors>" in wrong.text and "<code>405</code>" in wrong.text
    )
    assert client.get("/elsewhere").json() == {"detail": "Not Found"}
