"""Faults under load: each service SIGKILLed and started again, the broker and PostgreSQL restarted.

One scenario for `lapor bench --faults` and the fault test. The load is offered at a steady rate;
each fault strikes when its share of the load has been sent, so it lands while reports flow. After
the last one the run waits (bounded) until every report reached its reporter and every bad record
its dead letters, then counts effects on the topics and in the stores (`bench.ledger`,
`bench.stores`). A killed service is started again as a supervisor would; nothing else is touched:
the others must come back by themselves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.generator import Generator, Record
from bench.ledger import Audit, DeadKey, Ledger, audit
from bench.load import publish
from bench.stores import StoreCounts, read_model, readers, store_counts
from bench.system import SERVICES, System
from bench.watch import follow
from services.local.infra import LocalKafka, LocalPostgres, install_system
from shared import topics
from shared.messaging import codec
from shared.messaging.admin import ensure_topics

Note = Callable[[str], None]


class FaultError(RuntimeError):
    """The scenario could not go on: a wait ran out or a part died; the message says which."""


@dataclass(frozen=True)
class Fault:
    """One fault and the share of the load sent when it strikes."""

    name: str
    at: float


FAULTS = (
    Fault("kill intake", 0.06),
    Fault("kill routing", 0.16),
    Fault("kill tracking", 0.26),
    Fault("kill notification", 0.36),
    Fault("stop tracking", 0.46),  # SIGTERM, as a supervisor's rolling restart does
    Fault("restart broker", 0.58),
    Fault("restart postgres", 0.72),
)
PATIENT_MS = 600_000  # the load's producers wait out a broker restart rather than fail a record
SIDE_TOPICS = (  # besides intake's: one bad record stream per topic a service reads
    topics.REPORTS,
    topics.DISPOSITIONS,
    topics.CASES,
    topics.DELIVERY,
    topics.skpd_actions_topic("PDAM"),
)


@dataclass(frozen=True)
class FaultOptions:
    """How big the scenario is and how long any wait may take."""

    reports: int = 2000
    rate: float = 30.0  # records offered per second
    malformed_share: float = 0.05
    side_per_topic: int = 8  # bad records on each of SIDE_TOPICS
    recover_seconds: float = 300.0  # per fault: until every service is ready again
    drain_seconds: float = 600.0  # after the load: until everything got through


@dataclass
class Struck:
    """A fault as it happened: what had been sent and delivered, how long recovery took."""

    name: str
    sent: int
    through: int
    recovered_s: float
    exit_s: float | None = None  # "stop": SIGTERM until the process exited (None: SIGKILLed)


@dataclass
class Outcome:
    """Counts, faults, the stores' and read model's figures, and every broken rule."""

    audit: Audit
    stores: StoreCounts
    struck: list[Struck] = field(default_factory=list)
    seconds: float = 0.0
    stop_s: dict[str, float] = field(default_factory=dict)  # SIGTERM to exit, per service

    @property
    def problems(self) -> list[str]:
        """Every rule broken, whichever."""
        found = {**self.audit.problems, **self.stores.problems}
        return [problem for problems in found.values() for problem in problems]

    def figures(self) -> dict[str, object]:
        """The JSON `lapor bench --faults` writes."""
        return {
            **self.audit.counts,
            "stores": self.stores.figures(),
            "faults": [vars(s) for s in self.struck],
            "seconds": round(self.seconds, 1),
            "stop_s": self.stop_s,
            "problems": self.problems,
        }


async def scenario(
    options: FaultOptions, kafka: LocalKafka, postgres: LocalPostgres, folder: Path, note: Note
) -> Outcome:
    """The whole scenario on a broker and a PostgreSQL of its own (both restarted on the way)."""
    started = time.monotonic()
    await ensure_topics(kafka.bootstrap_servers)
    system = System(kafka.bootstrap_servers, postgres.url, folder, f"faults{uuid.uuid4().hex[:6]}")
    try:
        note("starting the four services")
        await asyncio.to_thread(system.start, 1)
        run = _Run(options, kafka, postgres, system, note, started)
        outcome = await run.drive()
    finally:
        stopped = await asyncio.to_thread(system.stop)
    outcome.stop_s = stopped
    outcome.seconds = time.monotonic() - started
    return outcome


@dataclass
class _Run:
    options: FaultOptions
    kafka: LocalKafka
    postgres: LocalPostgres
    system: System
    note: Note
    began: float
    ledger: Ledger = field(default_factory=Ledger)
    sent: int = 0
    tasks: list[asyncio.Task[object]] = field(default_factory=list)
    due: list[int] = field(default_factory=list)  # records sent before each fault
    striking: list[asyncio.Event] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.note(f"{time.monotonic() - self.began:6.1f} s  {text}")

    async def _gate(self, n: int) -> None:
        """The n-th record waits until every fault due before it has struck (none is skipped)."""
        for due, struck in zip(self.due, self.striking, strict=True):
            if n >= due:
                await struck.wait()

    async def drive(self) -> Outcome:
        tag = uuid.uuid4().hex[:6]
        load = Generator(tag, malformed_share=self.options.malformed_share).records(
            self.options.reports
        )
        side = side_records(tag, self.options.side_per_topic)
        expected = expected_dead_letters(load, side, await asyncio.to_thread(readers, self.system))
        self.ledger.expect(load)
        self.due = [round(fault.at * len(load)) for fault in FAULTS]
        self.striking = [asyncio.Event() for _ in FAULTS]
        stop = asyncio.Event()
        watching = asyncio.create_task(follow(self.kafka.bootstrap_servers, self.ledger, stop))
        try:
            self._offer(load, side)
            struck = [await self._strike(n, load) for n in range(len(FAULTS))]
            await self._wait("the load to be sent", lambda: all(t.done() for t in self.tasks), 600)
            for task in self.tasks:
                task.result()  # a publisher that failed says why
            self.say(f"the load is sent; {self._state()}")
            await self._drain(load, expected)
            self.say("every report reached its reporter and every bad record its dead letters")
        finally:
            stop.set()
            await asyncio.gather(watching, return_exceptions=True)
        await self._wait("tracking's read model to catch up", self._projected, 120)
        good = sum(1 for r in load if r.fingerprint is not None)
        stores = await asyncio.to_thread(store_counts, self.system, self.postgres.url, good)
        return Outcome(audit(self.ledger, load, expected), stores, struck)

    def _offer(self, load: list[Record], side: dict[str, list[Record]]) -> None:
        servers, rate = self.kafka.bootstrap_servers, self.options.rate
        seconds = len(load) / rate

        def count(n: int) -> None:
            self.sent = n

        self.tasks.append(
            asyncio.create_task(
                publish(
                    servers,
                    topics.INTAKE,
                    load,
                    rate=rate,
                    max_seconds=3600,
                    sent=count,
                    gate=self._gate,
                    request_timeout_ms=PATIENT_MS,
                )
            )
        )
        for topic, records in side.items():
            paced = len(records) / seconds
            self.tasks.append(
                asyncio.create_task(
                    publish(
                        servers,
                        topic,
                        records,
                        rate=paced,
                        max_seconds=3600,
                        request_timeout_ms=PATIENT_MS,
                    )
                )
            )

    async def _strike(self, n: int, load: list[Record]) -> Struck:
        fault, due = FAULTS[n], self.due[n]
        await self._wait(f"{due} records sent", lambda: self.sent >= due, 600)
        keys = [r.key.decode() for r in load if r.fingerprint is not None]
        struck = Struck(fault.name, self.sent, self.ledger.completed(keys), 0.0)
        self.say(f"{fault.name}: {struck.sent} sent, {struck.through} through")
        began = time.monotonic()
        self.striking[n].set()
        struck.exit_s = await asyncio.to_thread(self._act, fault.name)
        await self._wait(
            f"every service ready after {fault.name}",
            self._all_ready,
            self.options.recover_seconds,
        )
        struck.recovered_s = round(time.monotonic() - began, 1)
        self.say(f"{fault.name}: every service ready after {struck.recovered_s} s")
        return struck

    def _act(self, name: str) -> float | None:
        """Do the fault (and start a stopped service again); a "stop"'s exit seconds."""
        exited = None
        match name.split():
            case ["kill", service]:
                self.system.restart(self.system.kill(service), self.options.recover_seconds)
            case ["stop", service]:
                replica, exited = self.system.terminate(service)
                self.system.restart(replica, self.options.recover_seconds)
            case [_, "broker"]:
                self.kafka.restart()
            case [_, "postgres"]:
                self.postgres.restart()
            case _:
                raise ValueError(f"unknown fault {name!r}")
        return exited

    async def _all_ready(self) -> bool:
        exited = [r.service for r in self.system.replicas if r.process.poll() is not None]
        if exited:
            raise FaultError(f"{', '.join(exited)} exited by itself; logs: {self.system.folder}")
        return len(await asyncio.to_thread(self.system.ready)) == len(SERVICES)

    async def _projected(self) -> bool:
        _, lag = await asyncio.to_thread(read_model, self.system)
        return lag == 0

    async def _drain(self, load: list[Record], expected: set[DeadKey]) -> None:
        keys = [r.key.decode() for r in load if r.fingerprint is not None]

        def through() -> bool:
            return self.ledger.completed(keys) == len(keys) and expected <= set(self.ledger.dead)

        await self._wait("every report and dead letter", through, self.options.drain_seconds)

    async def _wait(
        self, what: str, condition: Callable[[], bool | Awaitable[bool]], seconds: float
    ) -> None:
        deadline = time.monotonic() + seconds
        while True:
            for task in self.tasks:
                if task.done() and task.exception() is not None:
                    raise FaultError(f"a load publisher failed: {task.exception()!r}")
            done = condition()
            if not isinstance(done, bool):
                done = await done
            if done:
                return
            if time.monotonic() > deadline:
                raise FaultError(f"waited {seconds:.0f} s for {what}; {self._state()}")
            await asyncio.sleep(0.25)

    def _state(self) -> str:
        return (
            f"{self.sent} sent, {len(self.ledger.accepted)} accepted, "
            f"{len(self.ledger.cases)} with a case, {len(self.ledger.notes)} told, "
            f"{len(self.ledger.dead)} dead letters; logs: {self.system.folder}"
        )


def side_records(tag: str, per_topic: int) -> dict[str, list[Record]]:
    """Bad records no reader can act on, `per_topic` on each of SIDE_TOPICS, keys unique."""
    return {
        topic: [
            Record(f"fault-{tag}-{t}-{n}".encode(), _bad_value(topic, n), [], None)
            for n in range(per_topic)
        ]
        for t, topic in enumerate(SIDE_TOPICS)
    }


def _bad_value(topic: str, n: int) -> bytes:
    """Not JSON, no event type, a known event type without its fields, or cut short."""
    names = sorted(codec.events_for(topic))
    known = json.dumps({"event_type": names[n % len(names)]}).encode()
    kinds = (b"\xffrusak", b'{"tanpa": "event_type"}', known, known[:-2])
    return kinds[n % len(kinds)]


def expected_dead_letters(
    load: list[Record], side: dict[str, list[Record]], reads: dict[str, set[str]]
) -> set[DeadKey]:
    """One dead letter per bad record and service reading its topic."""
    bad = [(topics.INTAKE, r) for r in load if r.fingerprint is None]
    bad += [(topic, r) for topic, records in side.items() for r in records]
    return {
        (service, topic, record.key.decode())
        for topic, record in bad
        for service in reads.get(topic, ())
    }


def run_faults(options: FaultOptions, note: Note) -> Outcome:
    """`lapor bench --faults`: the scenario on a Kafka and PostgreSQL started for it alone."""
    install_system()
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # the broker's restart is planned
    folder = Path(tempfile.mkdtemp(prefix="lapor-faults-"))
    note("starting Kafka and PostgreSQL")
    try:
        with LocalKafka() as kafka, LocalPostgres() as postgres:
            outcome = asyncio.run(scenario(options, kafka, postgres, folder, note))
    except BaseException:
        note(f"the services' logs are kept in {folder}")
        raise
    if outcome.problems:
        note(f"the services' logs are kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return outcome
