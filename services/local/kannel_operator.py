"""The mobile operator's side of a local Kannel (development and tests).

bearerbox's HTTP SMSC (`system-type = kannel`) submits each MT part here as a GET with `to`,
`from`, `text`, `udh`, `coding`, `charset` and a `dlr-url`. The stand-in answers as another Kannel
would (`202 Sent.`), rejoins concatenated parts, writes each whole message as one JSON file into
the outbox, and reports delivery back through the `dlr-url` (type 1). A refused number is answered
`403` and bearerbox reports it as rejected by the SMSC (type 16).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.request
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import URLError
from urllib.parse import quote, unquote_to_bytes

from shared.logging import get_logger

log = get_logger(__name__)

DELIVERED = 1
UCS2 = 2


def query_bytes(query: str) -> dict[str, bytes]:
    """The first value of each parameter, percent-decoded to bytes (a UCS-2 text is not UTF-8)."""
    found: dict[str, bytes] = {}
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        key = unquote_to_bytes(name.replace("+", " ")).decode("utf-8", "replace")
        found.setdefault(key, unquote_to_bytes(value.replace("+", " ")))
    return found


def concatenation(udh: bytes) -> tuple[int, int, int] | None:
    """(reference, parts, this part) from a UDH's concatenation element (8- or 16-bit), if any."""
    if not udh or len(udh) != udh[0] + 1:
        return None
    at = 1
    while at + 1 < len(udh):
        element, size = udh[at], udh[at + 1]
        data = udh[at + 2 : at + 2 + size]
        if element == 0x00 and size == 3:
            return data[0], data[1], data[2]
        if element == 0x08 and size == 4:
            return (data[0] << 8) | data[1], data[2], data[3]
        at += 2 + size
    return None


def decode(data: bytes, coding: int, charset: str) -> str:
    """The text of the rejoined bytes: UCS-2 (UTF-16BE) or the charset Kannel named."""
    if coding == UCS2:
        return data.decode("utf-16-be", "replace")
    return data.decode(charset or "utf-8", "replace")


@dataclass
class Outbox:
    """One JSON file per whole message, names sorting in arrival order; parts wait here."""

    folder: Path
    _parts: dict[tuple[str, str, int, int], dict[int, bytes]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def receive(self, fields: dict[str, bytes]) -> None:
        """Store one part; write the message when its last part arrived."""
        to, sender = _text(fields, "to"), _text(fields, "from")
        coding = int(_text(fields, "coding") or 0)
        charset = _text(fields, "charset")
        data, concat = fields.get("text", b""), concatenation(fields.get("udh", b""))
        if concat is None:
            self._write(to, sender, decode(data, coding, charset), coding, 1)
            return
        reference, total, number = concat
        key = (to, sender, reference, total)
        with self._lock:
            parts = self._parts.setdefault(key, {})
            parts[number] = data
            if len(parts) < total:
                return
            whole = b"".join(parts[n] for n in sorted(parts))
            del self._parts[key]
        self._write(to, sender, decode(whole, coding, charset), coding, total)

    def _write(self, to: str, sender: str, text: str, coding: int, parts: int) -> None:
        body = {
            "to": to,
            "from": sender,
            "text": text,
            "coding": "UCS-2" if coding == UCS2 else "GSM-7",
            "parts": parts,
            "received_at": datetime.now(UTC).isoformat(),
        }
        name = f"{time.time_ns():020d}-{next(self._counter):06d}"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_text(json.dumps(body, ensure_ascii=False, indent=2))
        temporary.rename(self.folder / f"{name}.json")  # readers never see half a file
        log.info("sms-stored", file=f"{name}.json", parts=parts)


def _text(fields: dict[str, bytes], name: str) -> str:
    return fields.get(name, b"").decode("utf-8", "replace")


def report_delivery(dlr_url: str, status: int, delay: float, attempts: int = 20) -> None:
    """Call bearerbox back with a delivery report once the handset "has" the message (after
    `delay`, as a network takes a moment); bearerbox may not have filed the message yet."""
    url = dlr_url.replace("%d", str(status)) + "&text=" + quote(f"stat:{status}")
    time.sleep(delay)
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                body = answer.read().decode("utf-8", "replace")
        except (URLError, OSError) as error:
            body = str(error)
        if body.strip() == "Sent.":
            return
        time.sleep(min(0.05 * 2**attempt, 2.0))
    log.warning("dlr-not-taken", answer=body)


class Operator:
    """The stand-in's state: credentials, refused numbers and the outbox."""

    def __init__(
        self,
        outbox: Path,
        username: str,
        password: str,
        refused: Collection[str] = (),
        delivery_delay: float = 0.3,
    ) -> None:
        self.outbox = Outbox(outbox)
        self.username, self.password = username, password
        self.refused = frozenset(refused)
        self.delivery_delay = delivery_delay

    def submit(self, fields: dict[str, bytes]) -> tuple[int, str]:
        """One MT part from bearerbox: the HTTP status and body to answer."""
        if (_text(fields, "username"), _text(fields, "password")) != (
            self.username,
            self.password,
        ):
            return 403, "Authorization failed for sendsms"
        to = _text(fields, "to")
        if not to or "text" not in fields:
            return 400, "Insufficient args, rejected"
        if to in self.refused:
            log.info("sms-refused", to_suffix=to[-3:])
            return 403, "Rejected: the operator refuses this number"
        self.outbox.receive(fields)
        dlr_url = _text(fields, "dlr-url")
        if dlr_url:
            report = (dlr_url, DELIVERED, self.delivery_delay)
            threading.Thread(target=report_delivery, args=report, daemon=True).start()
        return 202, "Sent."


def server(operator: Operator, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server answering bearerbox's submissions at /cgi-bin/sendsms."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if path == "/health":
                status, body = 200, "ok"
            elif path == "/cgi-bin/sendsms":
                status, body = operator.submit(query_bytes(query))
            else:
                status, body = 404, "Not found"
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return  # numbers stay out of logs

    return ThreadingHTTPServer((host, port), Handler)
