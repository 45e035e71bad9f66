"""Issue I's "Done when" in a real Chromium on the real system: a citizen attaches a photo
carrying GPS EXIF and drops a pin; the public report page shows the photo (the served bytes
carry no EXIF at all) and the pin, rounded; a second web report 20 m away with similar text is
linked as its duplicate. The pin-and-duplicate half needs only what main has; the photo half
needs intake's media store and tracking's public query (issue I, built alongside)."""

from __future__ import annotations

import io
import math
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import ExifTags, Image

from tests.e2e.conftest import System
from tests.e2e.test_faces import _shot, _text, _until

pytestmark = pytest.mark.e2e

START = (-3.3190, 114.5935)  # Banjarmasin Tengah, by the river
METRES_PER_DEGREE = 111_320.0
TILES = ["*tile.openstreetmap.org*"]  # no tiles from outside in tests: the map works without


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    north = (b[0] - a[0]) * METRES_PER_DEGREE
    east = (b[1] - a[1]) * METRES_PER_DEGREE * math.cos(math.radians(a[0]))
    return math.hypot(north, east)


def _place() -> tuple[float, float]:
    """A point of its own near the start (a run's reports never meet another run's)."""
    jitter = uuid.uuid4().int % 1000 / 1000 * 0.01
    return START[0] - jitter, START[1] + jitter


def _open_form(browser: Any, web: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": TILES})
    browser.get(f"{web}/")
    browser.find_element(By.ID, "judul").send_keys("Lampu jalan mati")
    browser.find_element(By.ID, "isi").send_keys(text)
    Select(browser.find_element(By.ID, "kecamatan")).select_by_value("Banjarmasin Tengah")
    browser.find_element(By.ID, "telepon").send_keys("081298765403")
    _until(lambda: browser.execute_script("return !!window.petaLapor"), 30)


def _drop_pin(browser: Any, where: tuple[float, float]) -> tuple[float, float]:
    """Centre the map on `where` at street zoom and tap its middle, as a citizen would."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.execute_script(
        "window.petaLapor.setView([arguments[0], arguments[1]], 18, {animate: false});", *where
    )
    the_map = browser.find_element(By.ID, "peta-lapor")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", the_map)
    ActionChains(browser).move_to_element(the_map).click().perform()
    return _pin_in_form(browser)


def _pin_in_form(browser: Any) -> tuple[float, float]:
    from selenium.webdriver.common.by import By

    latitude = _until(lambda: browser.find_element(By.ID, "lintang").get_attribute("value"), 30)
    longitude = browser.find_element(By.ID, "bujur").get_attribute("value")
    return float(latitude), float(longitude)


def _send(browser: Any) -> str:
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, "kirim").click()
    found = _until(lambda: browser.find_elements(By.ID, "nomor-laporan"), 60)
    return str(found[0].text)


def _phone_location(browser: Any, where: tuple[float, float]) -> tuple[float, float]:
    """The phone's location (Chromium's geolocation set by DevTools), through the button."""
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["geolocation"]})
    browser.execute_cdp_cmd(
        "Emulation.setGeolocationOverride",
        {"latitude": where[0], "longitude": where[1], "accuracy": 5},
    )
    browser.find_element(By.ID, "lokasi-saya").click()
    return _pin_in_form(browser)


def _report(system: System, tracking_id: str) -> dict[str, Any] | None:
    answer = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}")
    return answer.json() if answer.status_code == 200 else None  # type: ignore[no-any-return]


def _public_page_shows_the_pin(browser: Any, web: str, tracking_id: str, pin: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{web}/laporan/{tracking_id}")
    shown = browser.find_element(By.ID, "titik-laporan")
    assert float(shown.get_attribute("data-lintang")) == round(pin[0], 3)
    assert float(shown.get_attribute("data-bujur")) == round(pin[1], 3)
    assert f"{pin[0]:.6f}" not in browser.page_source  # only the rounded pin is public
    _until(lambda: browser.find_elements(By.CSS_SELECTOR, "#peta-laporan .leaflet-marker-icon"))


def _second_report_is_linked(browser: Any, web: str, first: str, text: str, near: Any) -> None:
    """A second citizen, 20 m away by their phone's location, says much the same."""
    from selenium.webdriver.common.by import By

    _open_form(browser, web, text)
    twenty_north = (near[0] + 20 / METRES_PER_DEGREE, near[1])
    pin = _phone_location(browser, twenty_north)
    assert 15 < _metres(near, pin) < 25, (near, pin)
    _send(browser)
    _shot(browser, "i-02-duplikat")
    assert _text(browser, "duplikat-dari") == first
    assert browser.find_element(By.ID, "duplikat-dari").get_attribute("href").endswith(first)


def test_a_pin_travels_with_a_web_report_and_a_second_one_20_m_away_is_its_duplicate(
    system: System, faces: dict[str, str], browser: Any
) -> None:
    web, marker = faces["web"], uuid.uuid4().hex[:6]
    text = f"Lampu jalan mati total di depan toko Sumber Rezeki {marker}, sudah seminggu gelap."
    _open_form(browser, web, text)
    wanted = _place()
    pin = _drop_pin(browser, wanted)
    assert _metres(wanted, pin) < 5, (wanted, pin)
    _shot(browser, "i-01-pin")
    first = _send(browser)
    where = _until(lambda: (r := _report(system, first)) and r["location"], 60)
    # the public status shows the pin rounded to 3 decimals (i-public): within half of that
    assert (where["latitude"], where["longitude"]) == pytest.approx(pin, abs=5.01e-4)
    _public_page_shows_the_pin(browser, web, first, pin)
    similar = f"Lampu jalan mati di depan toko Sumber Rezeki {marker}, gelap sudah seminggu."
    _second_report_is_linked(browser, web, first, similar, pin)


# --- the photo half: intake's media store (i-media) and tracking's public query (i-public) ---


def _photo_with_gps(folder: Path) -> Path:
    """A JPEG as a phone takes it: GPS position, camera make, a date in its EXIF."""
    image = Image.new("RGB", (640, 480), (40, 90, 160))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PonselWarga"
    exif[ExifTags.Base.DateTime] = "2026:12:01 08:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (3.0, 19.0, 8.4)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (114.0, 35.0, 36.6)
    path = folder / "lampu.jpg"
    image.save(path, "JPEG", exif=exif.tobytes(), quality=90)
    assert Image.open(path).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's own premise
    return path


def _acknowledge(system: System, tracking_id: str) -> None:
    """The body looks at the report (its photos become public then)."""
    disposed = _until(lambda: (r := _report(system, tracking_id)) and r["skpd"], 90)
    code = disposed["code"]
    answer = httpx.post(
        f"{system.url('tracking')}/v1/skpd/{code}/reports/{tracking_id}/actions",
        json={"action": "acknowledge"}, headers=system.auth(f"skpd:{code}"),
    )  # fmt: skip
    assert answer.status_code == 202, answer.text


def _photo_shown(browser: Any, web: str, tracking_id: str) -> str | None:
    """The full-size photo's URL once the page's thumbnail has loaded in the browser."""
    from selenium.webdriver.common.by import By

    browser.get(f"{web}/laporan/{tracking_id}")
    images = browser.find_elements(By.CSS_SELECTOR, "#foto-laporan img")
    loaded = images and browser.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0;", images[0]
    )
    if not loaded:
        return None
    link = browser.find_element(By.CSS_SELECTOR, "#foto-laporan a")
    return str(link.get_attribute("href"))


def _no_metadata(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    assert not image.getexif(), dict(image.getexif())
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info), image.info
    return image


def test_done_when_a_photo_with_gps_and_a_pin_show_on_the_public_page_without_exif(
    system: System, faces: dict[str, str], browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    web, marker = faces["web"], uuid.uuid4().hex[:6]
    photo = _photo_with_gps(tmp_path)
    text = f"Lampu penerangan jalan padam di simpang Jl. Lambung Mangkurat {marker}, rawan."
    not_a_photo = tmp_path / "bukan-foto.jpg"
    not_a_photo.write_text("ini hanya teks, bukan foto")
    _open_form(browser, web, text)
    browser.find_element(By.ID, "foto").send_keys(str(not_a_photo))
    browser.find_element(By.ID, "kirim").click()
    refused = _until(lambda: browser.find_elements(By.ID, "masalah"), 60)[0].text
    assert "bukan foto yang dapat diterima" in refused, refused  # intake's 415, in Indonesian
    assert browser.find_element(By.ID, "isi").get_attribute("value") == text  # the text is kept
    _shot(browser, "i-00-bukan-foto")
    _until(lambda: browser.execute_script("return !!window.petaLapor"), 30)
    browser.find_element(By.ID, "foto").send_keys(str(photo))
    pin = _drop_pin(browser, _place())
    _shot(browser, "i-03-foto-dan-pin")
    first = _send(browser)
    _acknowledge(system, first)
    full = _until(lambda: _photo_shown(browser, web, first), 90, 0.5)
    _shot(browser, "i-04-laporan-publik")
    served = httpx.get(full)
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/")
    assert _no_metadata(served.content).size == (640, 480)
    thumb = browser.find_element(By.CSS_SELECTOR, "#foto-laporan img").get_attribute("src")
    _no_metadata(httpx.get(thumb).content)
    _public_page_shows_the_pin(browser, web, first, pin)
    listed = _until(lambda: first in httpx.get(f"{web}/laporan").text and True, 60)
    assert listed
    similar = f"Lampu penerangan jalan padam di simpang Jl. Lambung Mangkurat {marker}, gelap."
    _second_report_is_linked(browser, web, first, similar, pin)


# --- moderation through the pages: tracking's flags and queue (i-public) ----------------------


def test_three_flags_on_the_page_hide_a_report_and_the_admin_shows_it_again_on_the_queue(
    system: System, faces: dict[str, str], browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    web, marker = faces["web"], uuid.uuid4().hex[:6]
    _open_form(
        browser, web, f"Pohon tumbang menutup jalan di gang Kenanga {marker}, mohon dipotong."
    )
    tracking_id = _send(browser)
    _until(lambda: _report(system, tracking_id), 90)  # tracking knows it: it is public
    for n in (1, 2, 3):  # three citizens (uvicorn takes the address a local proxy forwards)
        page = httpx.post(
            f"{web}/laporan/{tracking_id}/tandai", data={"alasan": f"Data pribadi ke-{n}"},
            headers={"X-Forwarded-For": f"10.20.30.{n}"}, follow_redirects=True,
        )  # fmt: skip
        assert page.status_code == 200, page.text
    assert "kini disembunyikan" in page.text
    _until(lambda: 'id="disembunyikan"' in httpx.get(f"{web}/laporan/{tracking_id}").text, 60)

    browser.get(f"{web}/staf/masuk")
    browser.find_element(By.ID, "token").send_keys(system.tokens["admin"])
    browser.find_element(By.ID, "masuk").click()
    _until(lambda: browser.current_url.endswith("/staf/admin"), 30)

    def queued() -> bool:
        browser.get(f"{web}/staf/admin/moderasi?reason=hidden")
        return bool(browser.find_elements(By.ID, f"moderasi-{tracking_id}"))

    _until(queued, 60, 0.5)
    card = browser.find_element(By.ID, f"moderasi-{tracking_id}")
    assert "ditandai 3 kali" in card.text and "Data pribadi ke-3" in card.text
    browser.find_element(By.ID, f"tampil-{tracking_id}").send_keys("Sudah ditinjau, tidak ada data")
    card.find_element(By.CSS_SELECTOR, f"form[action$='/{tracking_id}/show'] button").click()
    _until(lambda: "pesan=" in browser.current_url or "galat=" in browser.current_url, 30)
    assert f"{tracking_id}: ditampilkan lagi" in _text(browser, "konten")
    _shot(browser, "i-05-moderasi")
    _until(lambda: 'id="disembunyikan"' not in httpx.get(f"{web}/laporan/{tracking_id}").text, 60)
