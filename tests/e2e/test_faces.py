"""The faces on the real system: Open311 against the schemas, and pages in a real Chromium.

Screenshots go to `$LAPOR_SCREENSHOT_DIR` (default `.lapor/screenshots/` in the checkout).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import SHOTS, System
from tests.open311_schemas import check, check_each

pytestmark = pytest.mark.e2e

GENERATED = 335
PERSONAL = {"first_name", "last_name", "email", "phone", "device_id", "account_id", "name"}


def _until(check_: Callable[[], Any], timeout: float = 120.0, pause: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check_()
        if last:
            return last
        time.sleep(pause)
    raise AssertionError(f"condition not met in {timeout} s (last: {last!r})")


def test_open311_post_then_poll_reaches_the_request_and_every_answer_validates(
    system: System, faces: dict[str, str]
) -> None:
    base = f"{faces['open311']}/open311/v2"
    services = httpx.get(f"{base}/services.json").json()
    check(services, "services.json")
    form = {"api_key": system.tokens["adapter"], "service_code": "air-minum",
            "description": f"Air PDAM mati sejak kemarin di Jl. Sultan Adam {uuid.uuid4().hex[:6]}",
            "address_string": "Jl. Sultan Adam, Sungai Miai", "email": "warga@example.id",
            "first_name": "Rahmat", "phone": "081234567890",
            "media_url": "https://foto.example/pipa.jpg"}  # fmt: skip
    posted = httpx.post(f"{base}/requests.json", data=form, timeout=30)
    assert posted.status_code == 200, posted.text
    check_each(posted.json(), "RequestResponse")
    answer = posted.json()[0]
    request_id = answer.get("service_request_id")
    if request_id is None:  # intake was slow: the client polls the token

        def resolved() -> str | None:
            found = httpx.get(f"{base}/tokens/{answer['token']}.json").json()[0]
            return found.get("service_request_id")  # type: ignore[no-any-return]

        request_id = _until(resolved)
    # Until tracking has the case, intake's provisional answer has no description or media_url
    # (read your writes); the whole request follows.
    one = _until(
        lambda: (
            (r := httpx.get(f"{base}/requests/{request_id}.json")).status_code == 200
            and r.json()[0].get("media_url")
            and r
        )
    )
    check(one.json(), "requests.json")
    [item] = one.json()
    assert (
        item["service_code"] == "air-minum" and item["media_url"] == "https://foto.example/pipa.jpg"
    )
    assert not PERSONAL & set(item) and "Rahmat" not in one.text and "081234567890" not in one.text
    answered = httpx.get(f"{base}/requests.json", params={"service_code": "air-minum"}, timeout=60)
    assert answered.status_code == 200, answered.text + system.log_tail("open311")
    listed = answered.json()
    check(listed, "requests.json")
    assert request_id in {r["service_request_id"] for r in listed}
    refused = httpx.post(f"{base}/requests.json", data={**form, "api_key": "bukan-kunci"})
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    xml = httpx.get(f"{base}/requests/{request_id}.xml")
    assert xml.headers["content-type"].startswith("text/xml") and request_id in xml.text


# --- pages in a real browser ----------------------------------------------------------------


def _shot(driver: Any, name: str) -> None:
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def _text(driver: Any, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.ID, element_id).text)


def _status_shown(driver: Any) -> str:
    """The status on the page just loaded; empty while tracking does not know the report yet
    (the page then says "tidak ditemukan")."""
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.ID, "status-laporan")
    return str(found[0].text) if found else ""


def test_a_citizen_submits_on_the_page_and_follows_it_to_selesai(
    system: System, faces: dict[str, str], browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    web = faces["web"]
    browser.get(f"{web}/")
    browser.find_element(By.ID, "judul").send_keys("Air PDAM mati")
    browser.find_element(By.ID, "isi").send_keys(
        f"Air PDAM mati sejak dua hari di Jl. Sultan Adam gang {uuid.uuid4().hex[:5]}, mohon dicek."
    )
    Select(browser.find_element(By.ID, "kategori")).select_by_value("air-minum")
    Select(browser.find_element(By.ID, "kecamatan")).select_by_value("Banjarmasin Utara")
    Select(browser.find_element(By.ID, "kelurahan")).select_by_value("Sungai Miai")
    browser.find_element(By.ID, "telepon").send_keys("081298765432")
    browser.find_element(By.ID, "anonim").click()
    _shot(browser, "01-formulir")
    browser.find_element(By.ID, "kirim").click()
    tracking_id = _until(
        lambda: browser.find_elements(By.ID, "nomor-laporan") and _text(browser, "nomor-laporan"),
        60,
    )
    _shot(browser, "02-nomor-laporan")
    browser.find_element(By.ID, "ke-status").click()

    def disposed() -> bool:
        browser.get(f"{web}/laporan/{tracking_id}")
        return "Terdisposisi" in _status_shown(browser)

    _until(disposed, 90, 0.5)
    skpd = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}").json()["skpd"]["code"]
    _shot(browser, "03-status-terdisposisi")

    browser.get(f"{web}/staf/masuk")
    browser.find_element(By.ID, "token").send_keys(system.tokens[f"skpd:{skpd}"])
    browser.find_element(By.ID, "masuk").click()
    # the click returns before the login's answer arrives: wait for the page it leads to
    _until(lambda: browser.current_url.endswith(f"/staf/skpd/{skpd}"), 30)
    for action, text in (("acknowledge", ""), ("resolve", "Pipa sudah diperbaiki, air mengalir.")):
        _act(browser, web, skpd, tracking_id, action, text)
    _shot(browser, "04-meja-skpd")

    def finished() -> bool:
        browser.get(f"{web}/laporan/{tracking_id}")
        return "Selesai" in _status_shown(browser)

    _until(finished, 60, 0.5)
    assert "Pipa sudah diperbaiki" in _text(browser, "linimasa")
    _shot(browser, "05-status-selesai")


def _act(browser: Any, web: str, skpd: str, tracking_id: str, action: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    def on_desk() -> bool:
        browser.get(f"{web}/staf/skpd/{skpd}")
        return bool(browser.find_elements(By.ID, f"aksi-{tracking_id}"))

    _until(on_desk, 60, 0.5)
    Select(browser.find_element(By.ID, f"aksi-{tracking_id}")).select_by_value(action)
    if text:
        browser.find_element(By.ID, f"teks-{tracking_id}").send_keys(text)
    card = browser.find_element(By.ID, f"laporan-{tracking_id}")
    card.find_element(By.CSS_SELECTOR, "form.aksi button[type=submit]").click()
    # read the answer only on the page the action led to (its URL carries the message)
    _until(lambda: "pesan=" in browser.current_url or "galat=" in browser.current_url, 30)
    shown = _until(lambda: browser.find_elements(By.CSS_SELECTOR, ".berhasil, .galat"), 30)
    assert "tindakan dikirim" in shown[0].text, shown[0].text
    if action == "acknowledge":
        _until(lambda: _status_of(web, tracking_id) != "Terdisposisi: Belum Ditindaklanjuti", 30)


def _status_of(web: str, tracking_id: str) -> str:
    page = httpx.get(f"{web}/laporan/{tracking_id}").text
    return page.split('id="status-laporan">', 1)[1].split("<", 1)[0]


async def _generate(system: System, count: int) -> None:
    """Reports through intake's HTTP front, 16 at a time."""
    gate = asyncio.Semaphore(16)
    places = ("Banjarmasin Utara", "Banjarmasin Selatan", "Banjarmasin Timur", "Banjarmasin Barat",
              "Banjarmasin Tengah")  # fmt: skip
    texts = ("Air PDAM mati di rumah nomor {n}", "Sampah menumpuk di gang {n}",
             "Lampu jalan mati di tiang {n}", "Jalan berlubang dekat nomor {n}")  # fmt: skip

    async def one(client: httpx.AsyncClient, n: int) -> None:
        body = {"channel": "web", "message_id": f"dasbor-{uuid.uuid4()}",
                "text": texts[n % len(texts)].format(n=n + 1),
                "location": {"kecamatan": places[n % len(places)]},
                "reporter": {"handle": f"warga-{n}"}}  # fmt: skip
        async with gate:
            answer = await client.post(f"{system.url('intake')}/v1/reports", json=body)
        assert answer.status_code in (201, 202), answer.text

    async with httpx.AsyncClient(headers=system.auth("adapter"), timeout=60) as client:
        await asyncio.gather(*(one(client, n) for n in range(count)))


def _stats(system: System) -> dict[str, Any]:
    answer = httpx.get(f"{system.url('tracking')}/v1/stats", headers=system.auth("analyst"))
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]


def test_the_dashboard_after_335_reports_shows_the_totals_of_the_stats_api(
    system: System, faces: dict[str, str], browser: Any
) -> None:
    before = _stats(system)["total"]
    asyncio.run(_generate(system, GENERATED))
    _until(lambda: _stats(system)["total"] >= before + GENERATED, 120, 0.5)

    figures = ("angka-total", "angka-diterima", "angka-selesai", "angka-diproses")

    def agrees() -> bool:
        browser.get(f"{faces['web']}/dasbor")
        shown = [int(_text(browser, f)) for f in figures]
        stats = _stats(system)
        return shown == [stats["total"], stats["received"], stats["resolved"], stats["in_progress"]]

    _until(agrees, 60, 1.0)
    assert int(_text(browser, "angka-total")) >= GENERATED
    _until(
        lambda: browser.execute_script(
            "return typeof Chart !== 'undefined' && !!Chart.getChart('grafik-minggu')"
        ),
        10,
    )
    _shot(browser, "06-dasbor")
