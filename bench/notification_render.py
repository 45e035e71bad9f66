"""Notification's drafting cost: CPU microseconds per draft, rendering included (issue F3).

`python -m bench.notification_render [--rounds N] [--repeats R]` drafts, as the `Composer` does
for a recipient, the messages `lapor bench` makes (the reporter's "received" and "disposed" on
SMS, X, WhatsApp and e-mail, the body's "new report" by e-mail), and prints the CPU microseconds
per draft of each repeat as JSON (process time: the machine is shared). It uses only the
composer's public calls, so it runs on older code too: run it in both trees, alternated.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.application.composer import Address, Composer, message_context
from notification.application.rules import REPORTER, SKPD
from notification.bootstrap import mailboxes
from shared import contracts
from shared.contracts import Channel, ReportKind, StatusBucket
from shared.directory import CITY_ADMIN

MORNING = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
REPORTER_CHANNELS = (Channel.SMS, Channel.TWITTER, Channel.WHATSAPP, Channel.EMAIL)
Work = list[tuple[str, dict[str, object], Address]]


def _case(cls: type[Any], **fields: Any) -> dict[str, object]:
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "occurred_at": MORNING,
        "report_id": uuid.uuid4(),
        "tracking_id": "LPR-7K3QX9MD",
        "channel": Channel.SMS,
        "kind": ReportKind.PENGADUAN,
        "reporter_ref": "rref-0001",
        "status": StatusBucket.BELUM_TERVERIFIKASI,
        **fields,
    }
    return message_context(cls(**values))


def bench_work() -> Work:
    """The drafts of one report in `lapor bench`, on each channel a reporter may hear on."""
    body = {"skpd_code": "PDAM", "skpd_name": "PDAM Bandarmasih", "due_at": MORNING}
    opened = _case(contracts.CaseOpened, due_at=MORNING)
    disposed = _case(contracts.CaseDisposed, status=StatusBucket.BELUM_DITINDAKLANJUTI, **body)
    work: Work = [
        (template, values, Address(REPORTER, channel, reporter_ref="rref-0001"))
        for template, values in (("case_opened", opened), ("case_disposed", disposed))
        for channel in REPORTER_CHANNELS
    ]
    work.append(("skpd_new_report", disposed, Address(SKPD, Channel.EMAIL, mailbox="a@b.id")))
    return work


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1000, help="passes over the drafts")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    renderer = JinjaRenderer()
    composer = Composer(renderer, mailboxes(), CITY_ADMIN)
    work = bench_work()
    for template, values, address in work:  # compile and prepare first
        composer.draft(template, values, address)
    figures = []
    for _ in range(args.repeats):
        start = time.process_time()
        for _ in range(args.rounds):
            for template, values, address in work:
                composer.draft(template, values, address)
        spent = time.process_time() - start
        figures.append(round(spent / (args.rounds * len(work)) * 1e6, 2))
    print(json.dumps({"drafts": len(work), "us_per_draft": figures, "min": min(figures)}))


if __name__ == "__main__":
    main()
