"""A local SMTP server for development: every message it receives becomes one `.eml` file."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from shared.logging import get_logger

log = get_logger(__name__)


class MailFolder:
    """aiosmtpd handler: stores each message as `<arrival>-<n>.eml`, names sorting in order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Write the message exactly as received, then accept it."""
        name = f"{time.time_ns():020d}-{next(self._counter):06d}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        log.info("mail-stored", file=name)
        return "250 Message accepted for delivery"


def sink(folder: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    """An SMTP server (not yet started) storing mail under `folder`."""
    return Controller(MailFolder(folder), hostname=host, port=port)
