"""An iPhone's HEIC photo on the running system (real Kafka and PostgreSQL): posted with GPS EXIF
through intake's multipart front, its URL carried to tracking, served upright as a JPEG with no
metadata at all; `lapor media sweep` asks the running intake to sweep and leaves it alone."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from services.cli.main import app as cli
from services.cli.state import DevState
from tests.e2e.conftest import SERVICES, System
from tests.e2e.test_photos import exif_of, get, post
from tests.e2e.test_report_path import public_status
from tests.photos_heic import CAMERA, iphone_heic

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(300)
def test_an_iphone_heic_is_served_as_a_clean_upright_jpeg_and_the_sweep_keeps_it(
    system: System, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = iphone_heic(size=(640, 480), orientation=6)
    text = "Meteran air PDAM pecah di Jl. Belitung Darat, air menggenangi halaman musala"
    answer = post(system, text, ("IMG_4032.HEIC", raw, "image/heic"))
    assert answer.status_code == 201, answer.text
    [url] = public_status(system, answer.json()["tracking_id"], "PDAM")["attachments"]
    served = get(system, url, "admin")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert exif_of(served.content) == {} and CAMERA.encode() not in served.content
    assert Image.open(BytesIO(served.content)).size == (480, 640)  # upright

    urls = {name: system.url(name) for name in SERVICES}
    DevState(kafka_bootstrap_servers=system.kafka, urls=urls, tokens=system.tokens).save(tmp_path)
    monkeypatch.setenv("LAPOR_STATE_DIR", str(tmp_path))
    swept = CliRunner().invoke(cli, ["media", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert url.rsplit("/", 1)[1] not in swept.stdout and "forgotten" in swept.stderr
    assert get(system, url, "admin").content == served.content
