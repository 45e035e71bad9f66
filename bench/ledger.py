"""What the topics say happened, counted by effect: reports, cases, "received" notes, dead letters.

A relay may publish a record again after a crash (the same `event_id`, or for a dead letter the
same source headers): such copies are counted apart and are not duplicates. A duplicate effect is
a second `event_id` (a second report, case or notification) for the same thing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bench.generator import CONTENT_EVENTS, Record, fingerprint
from bench.watch import OUTBOUND_TOPICS, Watch
from shared import topics

RECEIVED_TEMPLATE = "case_opened"  # the reporter's "laporan diterima"

DeadKey = tuple[str, str, str]  # service, source topic, source key


@dataclass
class Ledger(Watch):
    """A `Watch` that also keeps every effect's ids, so duplicates and losses can be counted."""

    reports: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    accepted: set[str] = field(default_factory=set)
    cases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    notes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    dead: dict[DeadKey, set[tuple[int, int]]] = field(default_factory=lambda: defaultdict(set))
    copies: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _ids: set[tuple[str, str]] = field(default_factory=set)

    def see(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        ts: int,
        headers: Iterable[tuple[str, bytes]],
    ) -> None:
        """Take one record into account (stage times and effects)."""
        headers = list(headers)
        super().see(topic, key, value, ts, headers)
        named = dict(headers)
        if topic == topics.DEADLETTER:
            self._dead_letter(key, named)
        elif value is not None and topic in LEDGER_TOPICS:
            self._effect(topic, value, named.get("event_type", b"").decode(errors="replace"))

    def _effect(self, topic: str, value: bytes, event_type: str) -> None:
        try:
            event = json.loads(value)
        except ValueError:
            return  # a bad record the scenario sent itself
        if not isinstance(event, dict) or "event_id" not in event:
            return
        if (topic, event["event_id"]) in self._ids:
            self.copies[topic.split(".")[1]] += 1  # a relay's re-send
            return
        self._ids.add((topic, event["event_id"]))
        report = str(event.get("report_id"))
        if event_type in CONTENT_EVENTS and event.get("channel"):  # the one with the content
            address = (event.get("location") or {}).get("address") or ""
            self.reports[fingerprint(event["channel"], address)].add(report)
        if event_type == "ReportAccepted":
            self.accepted.add(report)
        elif event_type == "CaseOpened":
            self.cases[report].add(event["event_id"])
        elif event_type == "OutboundMessage" and event.get("template") == RECEIVED_TEMPLATE:
            self.notes[report].add(event["event_id"])

    def _dead_letter(self, key: bytes | None, headers: dict[str, bytes]) -> None:
        def text(name: str) -> str:
            return headers.get(f"lapor.dlq.{name}", b"").decode(errors="replace")

        where = (int(text("source.partition") or -1), int(text("source.offset") or -1))
        name = (text("service"), text("source.topic"), (key or b"").decode(errors="replace"))
        if where in self.dead.get(name, ()):
            self.copies["deadletter"] += 1
        self.dead[name].add(where)


LEDGER_TOPICS = frozenset({topics.REPORTS, topics.CASES, *OUTBOUND_TOPICS})


@dataclass
class Audit:
    """The counts after the run, and every rule the run broke by rule (empty lists: none)."""

    counts: dict[str, Any]
    problems: dict[str, list[str]]


def audit(ledger: Ledger, load: list[Record], expected_dead: set[DeadKey]) -> Audit:
    """Every report once, one case and one "received" note each, every dead letter once."""
    good = [r for r in load if r.fingerprint is not None]
    report_ids = {i for r in good if r.fingerprint for i in ledger.reports.get(r.fingerprint, ())}
    problems = {
        "reports": [
            f"{r.key.decode()}: {n} reports"
            for r in good
            if r.fingerprint and (n := len(ledger.reports.get(r.fingerprint, ()))) != 1
        ],
        "cases": _not_once(ledger.cases, ledger.accepted, "cases"),
        "received_notes": _not_once(ledger.notes, ledger.accepted, "received notes"),
        "dead_letters": _dead_problems(ledger, expected_dead),
    }
    counts = {
        "sent": len(load),
        "well_formed": len(good),
        "malformed": len(load) - len(good),
        "reports": len(report_ids),
        "accepted": len(ledger.accepted),
        "cases": sum(len(ids) for ids in ledger.cases.values()),
        "received_notes": sum(len(ids) for ids in ledger.notes.values()),
        "dead_letters": _per_service(ledger),
        "expected_dead_letters": len(expected_dead),
        "wire_copies": dict(ledger.copies),
    }
    return Audit(counts, problems)


def _not_once(effects: dict[str, set[str]], reports: set[str], what: str) -> list[str]:
    """Reports without exactly one effect, and effects of reports never accepted."""
    counted = {r: len(effects.get(r, ())) for r in sorted(reports)}
    wrong = [f"report {r}: {n} {what}" for r, n in counted.items() if n != 1]
    return wrong + [f"{what} of a report not accepted: {r}" for r in sorted(set(effects) - reports)]


def _dead_problems(ledger: Ledger, expected: set[DeadKey]) -> list[str]:
    problems = [f"dead letter missing: {key}" for key in sorted(expected - set(ledger.dead))]
    problems += [f"unexpected dead letter: {key}" for key in sorted(set(ledger.dead) - expected)]
    problems += [
        f"dead-lettered {len(where)} times: {key}"
        for key, where in sorted(ledger.dead.items())
        if len(where) > 1
    ]
    return problems


def _per_service(ledger: Ledger) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for service, _, _ in ledger.dead:
        counts[service] += 1
    return dict(sorted(counts.items()))
