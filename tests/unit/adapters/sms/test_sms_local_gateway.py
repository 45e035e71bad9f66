"""The local gateway's pieces: the generated kannel.conf and the operator stand-in."""

from __future__ import annotations

import json
from pathlib import Path

from services.local import kannel
from services.local.kannel_operator import Operator, concatenation


def part(reference: int, total: int, number: int, data: bytes, **extra: bytes) -> dict[str, bytes]:
    udh = bytes([5, 0, 3, reference, total, number])
    return {"username": b"op", "password": b"pw", "to": b"+628123", "from": b"1708",
            "udh": udh, "text": data, **extra}  # fmt: skip


def test_the_configuration_links_the_http_smsc_smsbox_and_the_adapter(tmp_path: Path) -> None:
    setup = kannel.new_setup(tmp_path, kannel.KannelPorts(1, 2, 3, 4, 5), "http://127.0.0.1:8108")
    conf = kannel.render(setup)
    assert 'system-type = "kannel"' in conf
    assert 'send-url = "http://127.0.0.1:5/cgi-bin/sendsms"' in conf
    assert f'dlr-url = "{setup.mo_url}"' in conf
    assert "sendsms-port = 2" in conf and "max-messages = 3" in conf
    assert 'get-url = "http://127.0.0.1:8108/v1/kannel/mo?key=' in conf
    assert "text=%b&coding=%c&charset=%C&id=%I" in conf
    kannel.write(setup)
    assert kannel.KannelSetup.load(tmp_path) == setup
    assert oct(setup.conf.stat().st_mode & 0o777) == "0o600"


def test_concatenated_ucs2_parts_are_rejoined_into_one_message_in_any_order(tmp_path: Path) -> None:
    operator = Operator(tmp_path, "op", "pw")
    data = "Laporan diterima 😊 terima kasih".encode("utf-16-be")
    first, second = data[:20], data[20:]
    coding = {"coding": b"2", "charset": b"UTF-16BE"}
    assert operator.submit(part(7, 2, 2, second, **coding)) == (202, "Sent.")
    assert list(tmp_path.glob("*.json")) == []
    assert operator.submit(part(7, 2, 1, first, **coding)) == (202, "Sent.")
    (stored,) = [json.loads(f.read_text()) for f in tmp_path.glob("*.json")]
    assert stored["text"] == "Laporan diterima 😊 terima kasih"
    assert (stored["to"], stored["from"], stored["coding"], stored["parts"]) == (
        "+628123", "1708", "UCS-2", 2,
    )  # fmt: skip


def test_the_operator_refuses_a_listed_number_and_a_wrong_password(tmp_path: Path) -> None:
    operator = Operator(tmp_path, "op", "pw", refused=["+628123"])
    fields = {"username": b"op", "password": b"pw", "to": b"+628123", "text": b"hai"}
    assert operator.submit(fields)[0] == 403
    assert operator.submit({**fields, "to": b"+628999", "password": b"x"})[0] == 403
    assert list(tmp_path.glob("*.json")) == []


def test_the_concatenation_element_is_read_with_8_and_16_bit_references() -> None:
    assert concatenation(bytes([5, 0, 3, 9, 3, 2])) == (9, 3, 2)
    assert concatenation(bytes([6, 8, 4, 1, 2, 3, 1])) == (258, 3, 1)
    assert concatenation(b"") is None
    assert concatenation(bytes([9, 0, 3])) is None  # a length that lies
