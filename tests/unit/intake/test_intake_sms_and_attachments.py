"""SMS keyword forms, places read from text, and attachments carried to the report's copy."""

from __future__ import annotations

from intake_helpers import Feed, message, published

from intake.application.app import IntakeApplication
from intake.domain.report import Report
from intake.domain.sms import read_sms_form
from shared.contracts import Location, ReportAccepted


def stored(app: IntakeApplication, message_id: str, channel: str = "sms") -> Report:
    return app.report_by_tracking_id(app.intake_status(channel, message_id).tracking_id or "")


def test_lapor_hash_form_gives_the_place_and_the_text() -> None:
    form = read_sms_form("LAPOR#Kelayan Dalam#Jalan berlubang di gang 5")
    assert (form.text, form.place) == ("Jalan berlubang di gang 5", "Kelayan Dalam")


def test_lapor_keyword_is_taken_off_the_text() -> None:
    assert read_sms_form("lapor: air PDAM mati dua hari").text == "air PDAM mati dua hari"


def test_keyword_alone_leaves_the_text_whole() -> None:
    assert read_sms_form("LAPOR#Kelayan Dalam#").text == "LAPOR#Kelayan Dalam#"


def test_sms_with_a_kelurahan_field_is_located_there(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", text="LAPOR#sei miai#Sampah menumpuk di pinggir jalan tiga hari"))
    report = stored(app, "m-1")
    assert report.submission.text == "Sampah menumpuk di pinggir jalan tiga hari"
    assert report.submission.location["kelurahan"] == "Sungai Miai"
    assert report.submission.location["kecamatan"] == "Banjarmasin Utara"


def test_a_place_named_in_the_text_locates_the_report(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", text="LAPOR lampu jalan mati di kel. teluk dalam sejak minggu lalu"))
    location = stored(app, "m-1").submission.location
    assert (location["kecamatan"], location["kelurahan"]) == ("Banjarmasin Tengah", "Teluk Dalam")


def test_a_given_kecamatan_is_spelt_as_the_city_does(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", channel="web", location=Location(kecamatan="kec. banjarmasin utara")))
    assert stored(app, "m-1", "web").submission.location["kecamatan"] == "Banjarmasin Utara"


def test_lapor_keyword_stays_in_texts_of_other_channels(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-1", channel="email", text="Lapor, jalan rusak parah di Kayu Tangi sekali"))
    assert stored(app, "m-1", "email").submission.text.startswith("Lapor,")


def test_attachments_and_category_reach_the_one_content_event(
    app: IntakeApplication, feed: Feed
) -> None:
    links = ("https://foto.example/1.jpg", "http://dok.example/surat.pdf")
    feed(message("m-1", attachments=links, category="jalan-rusak"))
    [accepted] = published(app)
    assert isinstance(accepted, ReportAccepted)
    assert accepted.attachments == links and accepted.category == "jalan-rusak"
