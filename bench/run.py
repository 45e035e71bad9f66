"""One bench run: infrastructure, the raw pipe, the services under load, the figures."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench import baseline, pg_statements, stores
from bench.generator import Generator, Record
from bench.infra_cpu import Infra
from bench.load import publish, require_loopback
from bench.profile import Profiler, py_spy
from bench.progress import Bars
from bench.result import Measured, result
from bench.system import SERVICES, System
from bench.watch import Watch, follow
from bench.work import Tally, infra_work, per_report, tally
from services.local.infra import LocalKafka, LocalPostgres, install_system
from shared import topics
from shared.messaging.admin import ensure_topics

RAW_MIN_MESSAGES = 1000  # fewer would leave the raw pipe's rate to a couple of batches
WARM_UP_PER_REPLICA = 12  # reports through the whole system before the clock starts


class BenchError(RuntimeError):
    """The run could not be completed; the message says where it stopped."""


@dataclass(frozen=True)
class Options:
    """What `lapor bench` was asked for."""

    reports: int
    rate: float | None = None
    store: str = "postgres"
    replicas: int = 1
    malformed_share: float = 0.05
    max_seconds: float = 600.0
    kafka: str | None = None  # a running broker with no other lapor traffic; None: start one
    profile: Path | None = None  # py-spy profiles of the services under load go here
    raw_messages: int | None = None  # None: max(reports, RAW_MIN_MESSAGES)
    pg_statements: Path | None = None  # PostgreSQL's statements under the load go here


@contextlib.contextmanager
def infrastructure(options: Options) -> Iterator[tuple[str, str | None, Path]]:
    """Kafka, PostgreSQL (for that store) and a state folder of this run's own; gone after."""
    install_system()
    folder = Path(tempfile.mkdtemp(prefix="lapor-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            kafka = options.kafka or stack.enter_context(LocalKafka()).bootstrap_servers
            database = None
            if options.store == "postgres":
                profiled = pg_statements.SERVER_OPTIONS if options.pg_statements else ""
                database = stack.enter_context(LocalPostgres(server_options=profiled)).url
            yield kafka, database, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(options: Options, bars: Bars) -> Measured:
    """Everything `lapor bench` does, start to finish."""
    if options.profile:
        py_spy()  # fail before the run, not after
    if options.kafka:
        require_loopback(options.kafka)
    bars.note("installing and starting Kafka" + (" and PostgreSQL" * (options.store == "postgres")))
    with infrastructure(options) as (kafka, database, folder):
        return asyncio.run(_measure(options, bars, kafka, database, folder))


async def _measure(
    options: Options, bars: Bars, kafka: str, database: str | None, folder: Path
) -> Measured:
    instance = f"bench{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka)
    raw = await _raw_pipe(options, bars, kafka, database, folder, instance)
    bars.note(f"starting {options.replicas} replica(s) of each service")
    system = System(kafka, database, folder / "services", instance)
    system.folder.mkdir()
    try:
        await asyncio.to_thread(system.start, options.replicas)
        # the servers this run started; a broker passed in may carry other work: not counted
        infra = Infra.find({"kafka": None if options.kafka else kafka, "postgres": database})
        return await _drive(options, bars, kafka, system, raw, infra)
    finally:
        await asyncio.to_thread(system.stop)


async def _raw_pipe(
    options: Options, bars: Bars, kafka: str, database: str | None, folder: Path, instance: str
) -> baseline.Baseline:
    count = options.raw_messages or max(options.reports, RAW_MIN_MESSAGES)
    records = Generator(f"raw{uuid.uuid4().hex[:6]}", malformed_share=0).records(count)
    where = baseline.targets(options.store, folder, database, instance)
    task = bars.task("raw pipe", count)
    return await baseline.measure(
        kafka, options.store, where, records, folder, instance, progress=task.to
    )


@dataclass
class _Live:
    """One run's moving parts once the services are up."""

    options: Options
    bars: Bars
    kafka: str
    system: System
    watch: Watch
    watching: asyncio.Task[None]
    infra: Infra
    tallies: list[Tally] = field(default_factory=list)  # at the load's start and end
    statements: tuple[list[pg_statements.Statement], int] = ([], 0)  # when asked

    def check_watcher(self) -> None:
        """A watcher that died would leave every wait to time out: say why instead."""
        if self.watching.done():
            raise BenchError(f"the topic watcher stopped: {self.watching.exception()!r}")


async def _drive(
    options: Options,
    bars: Bars,
    kafka: str,
    system: System,
    raw: baseline.Baseline,
    infra: Infra,
) -> Measured:
    generator = Generator(uuid.uuid4().hex[:6], malformed_share=options.malformed_share)
    warm = [generator.report(n) for n in range(WARM_UP_PER_REPLICA * options.replicas)]
    load = generator.records(options.reports, start=len(warm))
    watch = Watch()
    watch.expect([*warm, *load])
    stop = asyncio.Event()
    live = _Live(
        options,
        bars,
        kafka,
        system,
        watch,
        asyncio.create_task(follow(kafka, watch, stop)),
        infra,
    )
    sampling = asyncio.create_task(_sample(system, stop))
    try:
        await _warm_up(live, warm)
        await _load(live, load)
    finally:
        stop.set()
        await asyncio.gather(live.watching, sampling, return_exceptions=True)
    measured = result(options, watch, load, raw, system)
    if len(live.tallies) == 2:
        readers = await asyncio.to_thread(stores.readers, system)
        accepted = measured.counts["through"]
        work = per_report(live.tallies[0], live.tallies[1], readers, system.cpu_s(), accepted)
        measured.figures.update(work)
        measured.figures.update(infra_work(infra.cpu_s(), accepted))
        if options.pg_statements:
            pg_statements.write(options.pg_statements, *live.statements, accepted)
    return measured


async def _warm_up(live: _Live, warm: list[Record]) -> None:
    """Reports through the whole system before the clock starts; not measured."""
    task = live.bars.task("warm-up", len(warm))
    await publish(live.kafka, topics.INTAKE, warm)
    keys = [r.key.decode() for r in warm]
    deadline = time.monotonic() + 180
    while (done := live.watch.completed(keys)) < len(keys):
        task.to(done)
        live.check_watcher()
        if time.monotonic() > deadline:
            raise BenchError(f"warm-up: {done} of {len(keys)} reports got through in 180 s")
        await asyncio.sleep(0.2)
    task.to(done)


async def _load(live: _Live, load: list[Record]) -> None:
    """The measured load: sent, carried through, CPU counted (and profiled when asked)."""
    options = live.options
    profiler = Profiler(options.profile) if options.profile else None
    live.tallies.append(await _tally(live))
    profiling = live.system.database_url if options.pg_statements else None
    if profiling:
        await asyncio.to_thread(pg_statements.reset, profiling)
    live.system.mark()
    live.infra.mark()
    if profiler:
        profiler.start(live.system)
    try:
        sent = live.bars.task("sent", len(load))
        publishing = asyncio.create_task(
            publish(
                live.kafka,
                topics.INTAKE,
                load,
                rate=options.rate,
                max_seconds=options.max_seconds,
                sent=sent.to,
            )
        )
        await _through(live, load, time.monotonic() + options.max_seconds)
        await publishing
        if profiling:
            names = {f"{live.system.instance}_{s}": s for s in SERVICES}
            live.statements = await asyncio.to_thread(pg_statements.read, profiling, names)
        live.system.end()
        live.infra.end()
        live.tallies.append(await _tally(live))
    finally:
        if profiler:
            profiler.stop()


async def _through(live: _Live, load: list[Record], deadline: float) -> None:
    """Wait until every well-formed report reached its reporter and every bad one the DLQ."""
    keys = [r.key.decode() for r in load if r.fingerprint is not None]
    malformed = len(load) - len(keys)
    task = live.bars.task("through", len(load))
    while True:
        done, dead = live.watch.completed(keys), live.watch.deadlettered
        task.to(done + min(dead, malformed))
        if done == len(keys) and dead >= malformed:
            return
        live.check_watcher()
        if time.monotonic() > deadline:
            live.bars.note(
                f"time is up: {done} of {len(keys)} reports through; figures cover those"
            )
            return
        await asyncio.sleep(0.2)


async def _tally(live: _Live) -> Tally:
    system = live.system
    return await tally(live.kafka, system.instance, system.database_url, system.folder)


async def _sample(system: System, stop: asyncio.Event) -> None:
    while not stop.is_set():
        system.sample()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)
