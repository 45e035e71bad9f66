"""Every template on every channel over varied values, as digests of what main's code rendered.

`.venv/bin/python -m tests.unit.notification.golden_renders` writes
`tests/fixtures/notification/golden_renders.json` from the code in the tree; it was written once
on main's code (1c33a19), before the renderer was made faster, and is never rewritten to make a
test pass. Each digest covers one template on one channel over every set of values below (odd
names, long and HTML-special texts, every status, every step, dates across month and year ends):
the subject, text and HTML a `Composer` drafts (the SMS fitting and re-rendering included), and
for the channel `render` the renderer's own parts, with and without the HTML.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.application.composer import Address, Composer
from notification.application.rules import REPORTER
from notification.bootstrap import mailboxes
from shared.contracts import Channel, ReportKind, StatusBucket
from shared.directory import CITY_ADMIN

GOLDEN = Path(__file__).parents[2] / "fixtures" / "notification" / "golden_renders.json"
MARKUP = 'Pipa <b>"bocor"</b> & rembes\ndi Jl. A. Yani km 3 > 2\r\n\n\nbaris <br> sendiri\n'
LONG_TEXT = "Kami telah memeriksa lokasi dan menjadwalkan perbaikan saluran drainase. " * 60
NON_GSM = "Perbaikan pipa selesai 👍 — terima kasih atas kesabaran warga Kelayan. " * 40
LONG_NAME = "Dinas Perumahan Rakyat, Kawasan Permukiman dan Pertanahan Kota Banjarmasin " * 3
NAMES = (
    "PDAM Bandarmasih",
    LONG_NAME,
    "Dinas PU & \"Sungai\" <Martapura> 'Kota'",
    "Kecamatan Banjarmasin Utara — Ünïcödé 👍",
    "instansi terkait",
    "  spasi   di  tepi  ",
    "{{ bukan_templat }} {% tidak %}",
)
TEXTS = (
    "Ke lokasi.",
    MARKUP,
    LONG_TEXT,
    NON_GSM,
    "<script>alert('x')</script> & co; harga < 5 > 3",
    "Paragraf satu.\n\nParagraf dua.\n\n\n\nTiga  \n  \n",
    "",
    "{{ tracking_id }} [[tautan-status]] %s {0}",
)
REASONS = (
    "spam",
    "resolved",
    "no-reply",
    "bukan wewenang <b>",
    LONG_TEXT,
    "",
    "too-general",
    "not-about-government",
    "Alasan. ",
)
STEPS = ("verifikasi-disposisi", "tindak-lanjut-pertama", "penyelesaian", "tanggapan", "baru")
WIB = timezone(timedelta(hours=7))
MOMENTS = (
    datetime(2026, 12, 31, 16, 30, tzinfo=UTC),  # 1 Januari 2027 00.30 WITA
    datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC),  # still 31 Desember 2026
    datetime(2026, 1, 31, 16, 0, tzinfo=UTC),  # 1 Februari
    datetime(2028, 2, 28, 16, 5, tzinfo=UTC),  # 29 Februari 2028
    datetime(2026, 11, 30, 23, 59, tzinfo=WIB),  # another zone: 1 Desember 00.59 WITA
    datetime(2026, 6, 30, 8, 0, tzinfo=UTC),
    datetime(2027, 3, 31, 15, 30, tzinfo=UTC),  # 31 Maret 23.30 WITA
)
TRACKING_IDS = ("LPR-7K3QX9MD", "LPR-<&>\"'", "LPR-AB12CD34")
VARIANTS = 21


def _pick(values: tuple[Any, ...], i: int, step: int = 1) -> Any:
    return values[(i * step) % len(values)]


def values(i: int) -> dict[str, object]:
    """The i-th set of values: every name any template reads, each chosen in its own cycle."""
    moment = _pick(MOMENTS, i)
    statuses = tuple(s.value for s in StatusBucket)
    kinds = tuple(k.value for k in ReportKind)
    return {
        "tracking_id": _pick(TRACKING_IDS, i),
        "skpd": _pick(NAMES, i),
        "skpd_code": None if i % 4 == 3 else _pick(("PDAM", "PLN-UID-KALSELTENG"), i),
        "skpd_name": _pick(NAMES, i),
        "status": _pick(statuses, i),
        "kind": _pick(kinds, i),
        "text": _pick(TEXTS, i),
        "reason": _pick(REASONS, i),
        "due_at": None if i % 3 == 2 else _pick(MOMENTS, i, 2),
        "previous_skpd_code": "PLN" if i % 5 == 1 else None,
        "berhenti": i % 2 == 1,
        "assignee": _pick(NAMES, i, 3),
        "assignee_email": "siti@pdam.go.id" if i % 2 == 0 else None,
        "previous_assignee": "Budi <teknis>" if i % 3 == 1 else None,
        "deadline": moment,
        "step": _pick(STEPS, i),
        "duplicate_of_tracking_id": _pick(TRACKING_IDS, i + 1),
        "title": _pick(TEXTS, i, 3),
        "flags": i % 4,
        "rating": 1 + i % 5,
        "queue": "triage" if i % 2 == 0 else "held",
        "since": _pick(MOMENTS, i, 3),
        "at": moment,
        "cases": [
            {
                "tracking_id": _pick(TRACKING_IDS, i + n),
                "queue": "triage" if n % 2 == 0 else "held",
                "since": _pick(MOMENTS, i + n),
                "reason": _pick(REASONS, i + n),
            }
            for n in range(i % 4)
        ],
        "failed_subject": _pick(TEXTS, i, 5),
        "failed_audience": _pick(("pelapor", "instansi", "admin"), i),
        "failed_channel": _pick(tuple(c.value for c in Channel), i),
        "attempts": i % 6,
        "detail": _pick(("", "timeout <smtp>", LONG_TEXT), i),
    }


def _digest(items: list[object]) -> str:
    text = json.dumps(items, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def digests(renderer: JinjaRenderer) -> dict[str, dict[str, str]]:
    """Per template, per channel (and `render`), the digest of everything rendered."""
    composer = Composer(renderer, mailboxes(), CITY_ADMIN)
    found: dict[str, dict[str, str]] = {}
    for template in sorted(renderer.template_names()):
        sets = [values(i) for i in range(VARIANTS)]
        rendered = [
            astuple(renderer.render(template, v, html=html)) for v in sets for html in (False, True)
        ]
        found[template] = {"render": _digest(rendered)}
        for channel in Channel:
            address = Address(REPORTER, channel, reporter_ref="rref-0001")
            drafts = [composer.draft(template, v, address) for v in sets]
            found[template][channel.value] = _digest([[d.subject, d.text, d.html] for d in drafts])
    return found


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(digests(JinjaRenderer()), indent=1, sort_keys=True) + "\n")
