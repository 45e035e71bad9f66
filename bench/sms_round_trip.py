"""SMS round trip on the real gateway: operator in -> first SMS out (the "diterima" message).

Needs a running `lapor dev up` (Kannel, the operator stand-in, the adapter and the four services):

    .venv/bin/lapor dev up
    .venv/bin/python -m bench.sms_round_trip --messages 20 [--json out.json]

Each message enters as the operator would (`SMSC_MO_URL`, from a number of its own) and is timed
until the operator stand-in has written the reporter's first SMS (`SMSC_OUTBOX`): Kannel's HTTP
SMSC, bearerbox, smsbox, the adapter, intake, routing, tracking, notification, the adapter again,
smsbox, bearerbox and the operator. Messages go one after another (a reporter's experience, not
throughput). Quiet hours must be off for the figure to mean anything at night
(`LAPOR_NOTIFICATION_QUIET_CHANNELS='[]' lapor dev up`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import httpx

from services.cli.state import state_dir
from services.local.kannel import SHORT_CODE, KannelSetup

TEXT = "LAPOR#Kuin Utara#Pipa PDAM bocor di depan rumah nomor {n}, air terbuang sejak pagi"


def first_sms_to(outbox: Path, number: str, seen: set[Path]) -> dict[str, object] | None:
    """The first message written to `number` among files not seen before."""
    for path in sorted(outbox.glob("*.json")):
        if path in seen:
            continue
        message = json.loads(path.read_text())
        if message["to"] == number:
            return dict(message)
    return None


def one_round_trip(setup: KannelSetup, n: int, timeout: float) -> float:
    """Seconds from the operator's MO call to the first SMS back to that number."""
    number = f"+62812{uuid.uuid4().int % 10**7:07d}"
    seen = set(setup.outbox.glob("*.json"))
    query = urlencode({"from": number, "to": SHORT_CODE, "text": TEXT.format(n=n)})
    started = time.monotonic()
    answer = httpx.get(f"{setup.mo_url}&{query}", timeout=10)
    answer.raise_for_status()
    while time.monotonic() - started < timeout:
        if first_sms_to(setup.outbox, number, seen) is not None:
            return time.monotonic() - started
        time.sleep(0.01)
    raise TimeoutError(f"no SMS back to message {n} within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=2, help="messages not measured")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    setup = KannelSetup.load(state_dir() / "kannel")
    if setup is None:
        raise SystemExit("no local Kannel: run `lapor dev up` first")
    for n in range(args.warm_up):
        one_round_trip(setup, n, args.timeout)
    seconds = [one_round_trip(setup, n, args.timeout) for n in range(args.messages)]
    ordered = sorted(seconds)
    result = {
        "messages": len(seconds),
        "median_s": round(statistics.median(seconds), 3),
        "p90_s": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 3),
        "min_s": round(ordered[0], 3),
        "max_s": round(ordered[-1], 3),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps({**result, "seconds": seconds}, indent=2))


if __name__ == "__main__":
    main()
