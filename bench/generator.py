"""The load generator's records: varied reports as channel adapters publish them, some malformed.

Every well-formed report has its own contact (no flood hold), its own address in its text (no
duplicate) and enough words (no spam archive), so intake accepts it. A set share of records is
malformed the ways adapters get it wrong; intake must dead-letter each one.
"""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from bench import corpus
from shared.contracts import Channel, IntakeMessage, Location, Reporter, ReportKind
from shared.messaging import codec

# Intake's events that carry a report's content: ReportReceived before F3, its outcome since.
CONTENT_EVENTS = frozenset(
    {"ReportReceived", "ReportAccepted", "ReportHeld", "ReportArchived", "ReportLinkedAsDuplicate"}
)
MALFORMED_KINDS = ("not-json", "empty-text", "unknown-channel", "missing-field", "too-large")


@dataclass(frozen=True)
class Record:
    """One record for `lapor.intake.v1`; `fingerprint` finds its ReportReceived (None: bad)."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    fingerprint: tuple[str, str] | None


def fingerprint(channel: str, address: str) -> tuple[str, str]:
    """What ties a ReportReceived to the adapter message it came from: its unique address.

    Not the text: intake may rewrite it (an SMS keyword such as "Lapor min, " taken off).
    """
    return channel, address


class Generator:
    """Makes the records of one bench run; the same tag makes the same records.

    The tag seeds the choices and shifts the addresses, so two runs' texts do not meet either.
    """

    def __init__(self, tag: str, *, malformed_share: float = 0.05) -> None:
        if not 0 <= malformed_share < 1:
            raise ValueError("malformed_share must be in [0, 1)")
        self.tag = tag
        self.malformed_share = malformed_share
        self._random = random.Random(zlib.crc32(tag.encode()))
        self._shift = zlib.crc32(tag.encode()) % 1_000_000
        self._channels = list(corpus.CHANNEL_WEIGHTS)
        self._weights = list(corpus.CHANNEL_WEIGHTS.values())

    def records(self, count: int, start: int = 0) -> list[Record]:
        """`count` records numbered from `start`, the malformed ones spread evenly."""
        every = round(1 / self.malformed_share) if self.malformed_share else 0
        return [
            self.malformed(n) if every and n % every == every - 1 else self.report(n)
            for n in range(start, start + count)
        ]

    def report(self, n: int) -> Record:
        """A well-formed, acceptable report: the n-th of this run."""
        rnd = self._random
        channel = Channel(rnd.choices(self._channels, self._weights)[0])
        kecamatan = rnd.choice(list(corpus.KECAMATAN))
        kelurahan = rnd.choice(corpus.KECAMATAN[kecamatan])
        kind, title, template = rnd.choice(corpus.TOPICS)
        address = self.address(n)
        place = f"{address}, Kelurahan {kelurahan}"
        body = template.format(place=place, since=rnd.choice(corpus.SINCE))
        text = f"{rnd.choice(corpus.OPENERS)}{body} {rnd.choice(corpus.CLOSERS)}".strip()
        now = datetime.now(UTC)
        message = IntakeMessage(
            occurred_at=now,
            received_at=now,
            channel=channel,
            message_id=f"bench-{self.tag}-{n:07d}",
            kind=ReportKind(kind),
            title=title if rnd.random() < 0.7 else "",
            text=text,
            location=Location(kecamatan=kecamatan, kelurahan=kelurahan, address=address),
            reporter=self.reporter(channel, n),
            anonim=rnd.random() < 0.1,
            rahasia=rnd.random() < 0.05,
        )
        return Record(
            message.key.encode(),
            codec.encode(message),
            codec.headers(message),
            fingerprint(channel.value, address),
        )

    def address(self, n: int) -> str:
        """A street address no other report of the run has."""
        n += self._shift
        street, rest = n % len(corpus.STREETS), n // len(corpus.STREETS)
        number, rest = rest % 120 + 1, rest // 120
        return f"{corpus.STREETS[street]} No. {number} RT {rest % 40 + 1:02d}" + (
            f" Blok {rest // 40}" if rest >= 40 else ""
        )

    def reporter(self, channel: Channel, n: int) -> Reporter:
        """A contact of its own per report, of the kind the channel knows."""
        phone = f"+628{zlib.crc32(self.tag.encode()) % 100:02d}{n:08d}"
        email = f"warga.{self.tag}.{n}@surel.banjarmasin.id"
        name = self._random.choice(corpus.NAMES)
        match channel:
            case Channel.SMS | Channel.WHATSAPP:
                return Reporter(phone=phone)
            case Channel.EMAIL | Channel.OPEN311:
                return Reporter(email=email, name=name)
            case Channel.TWITTER:
                return Reporter(handle=f"@warga_{self.tag}_{n}")
            case Channel.WALK_IN:
                return Reporter(name=name, phone=phone)
            case _:
                return Reporter(name=name, email=email, phone=phone)

    def malformed(self, n: int) -> Record:
        """A record intake must dead-letter: the n-th run record, broken one of five ways."""
        kind = MALFORMED_KINDS[(n // 7) % len(MALFORMED_KINDS)]
        good = json.loads(self.report(n).value)
        key = f"{good['channel']}:{good['message_id']}".encode()
        match kind:
            case "not-json":
                value = b"\xffLAPOR " + good["text"].encode()[:40]
            case "empty-text":
                value = json.dumps({**good, "text": "   "}).encode()
            case "unknown-channel":
                value = json.dumps({**good, "channel": "faksimile"}).encode()
            case "missing-field":
                value = json.dumps({k: v for k, v in good.items() if k != "message_id"}).encode()
            case _:
                value = json.dumps({**good, "title": "x" * 70_000}).encode()
        return Record(key, value, [("event_type", b"IntakeMessage")], None)
