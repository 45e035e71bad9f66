"""The idempotent consumer: decode, process a partition batch once, never stall on one record.

Failures are classified by whether the store still answers, not by a list of exception types:
- the store does not answer a trivial read (connection lost, server down, pool exhausted): wait
  with backoff and retry the batch; nothing is dead-lettered and readiness reports it;
- another replica changed an aggregate of the batch first (optimistic concurrency's
  IntegrityError): nobody's fault; the batch is read and run again, never dead-lettered;
- anything else is the fault of a record: the batch is retried record by record, a failing record
  a bounded number of times with backoff, then it is dead-lettered as `processing-failed` with
  the error, and the partition moves on.
Decoding is a pure function of the bytes, so a record that cannot be decoded is dead-lettered at
once. Dead letters are recorded in the same transaction as the position (see `deadletter`).

A record whose `event_type` header names a type the application's policy ignores is skipped
before anything is decoded, and so is a record whose other headers say the policy ignores it
(`ignored_by_header`); its offset still moves the position. A skipped record is left out of the
batch at once: only the partition batch's first and last offsets are kept for it.

The store calls leave the event loop through one worker thread of the consumer's own
(`shared.messaging.worker`), once per fetch.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, Tracking

from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import SourceRecord, safe_text
from shared.messaging.worker import Worker
from shared.processing import Delivery, Rejection

log = get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]
# One store transaction of the consumer (metrics; called in the worker thread or on the loop):
# its kind ("batch": a fetch's records, or a partition's alone; "isolated": the careful way's
# records one by one), the records it passed and its seconds.
Observe = Callable[[str, int, float], None]
Key = tuple[str, int]  # a topic partition
UNTRIED: Any = object()  # the worker could not even read the partition's position
JOINT_RECORDS = 1000  # a fetch's records in one transaction up to this many (whole partitions)


def _unobserved(kind: str, records: int, seconds: float) -> None:
    return None


class BatchProcessor(Protocol):
    """What the consumer needs of an application.

    Optional too: `ignored_types(topic)`, the event types its policy ignores, and
    `ignored_by_header(topic)`, for event types it ignores only sometimes, a header name and the
    values of it that say so ({event type: {header: values}}).
    """

    def position(self, tracking_name: str) -> int | None: ...

    def process_batch(
        self,
        messages: Sequence[Any],
        tracking: Tracking,
        *,
        service: str | None = None,
        more_tracking: Sequence[Tracking] = (),
    ) -> list[tuple[Any, Rejection]]:
        """Messages of one or more partitions (in that order) and every partition's position
        (`tracking` the first's, `more_tracking` the others') in one transaction."""
        ...


class StoreUnavailable(Exception):
    """The service's store does not answer: the batch is retried later, nothing dead-lettered."""


class Conflict(Exception):
    """Another writer (a replica) recorded a version of an aggregate first: run the batch again."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing record is tried, and how long to wait between tries."""

    attempts: int = 4
    backoff_seconds: float = 0.2
    backoff_max_seconds: float = 5.0
    unavailable_max_seconds: float = 30.0
    conflict_batch_tries: int = 5
    conflict_record_tries: int = 50
    conflict_backoff_seconds: float = 0.02
    conflict_backoff_max_seconds: float = 1.0

    def record_delay(self, failures: int) -> float:
        """Wait before trying a failing record again (doubling, capped)."""
        return min(self.backoff_max_seconds, self.backoff_seconds * 2 ** (failures - 1))

    def unavailable_delay(self, failures: int) -> float:
        """Wait before trying an unreachable store again (doubling, capped)."""
        return min(self.unavailable_max_seconds, self.backoff_seconds * 2 ** (failures - 1))

    def conflict_delay(self, conflicts: int) -> float:
        """Wait before running a batch again that lost a race (doubling, capped, jittered)."""
        ceiling = self.conflict_backoff_seconds * 2 ** min(conflicts - 1, 20)
        return min(self.conflict_backoff_max_seconds, ceiling) * random.uniform(0.5, 1.0)


@dataclass
class ConsumerHealth:
    """Whether a consumer waits for its store (readiness reads it)."""

    failures: int = 0
    reason: str | None = None

    def waiting(self, error: BaseException) -> int:
        """One more failed try; returns how many in a row."""
        self.failures += 1
        self.reason = f"event store unreachable: {safe_text(repr(error), 300)}"
        return self.failures

    def recovered(self) -> None:
        """The store answered."""
        self.failures, self.reason = 0, None


@dataclass(frozen=True)
class _Plan:
    """One partition's records of a fetch: the decoded ones (the skipped left out), in offset
    order, the offsets of its first and last record, and its tracking name."""

    name: str
    deliveries: list[Delivery]
    first: int
    last: int
    records: int

    def fresh(self, done: int) -> tuple[list[Delivery], Tracking] | None:
        """What is left to do above the stored position `done` (None: nothing, not even the
        position), and the position that passes the batch."""
        if self.last < done:
            return None
        deliveries = self.deliveries
        if self.first < done:  # partly done before (a fetch delivered again)
            deliveries = [d for d in deliveries if d.source is None or d.source.offset >= done]
        return deliveries, Tracking(self.name, self.last + 1)


@dataclass(frozen=True)
class _Fresh:
    """A partition's records left to do (the plan at index `index` of the fetch), above the
    stored position `done`, and the position that passes them."""

    index: int
    done: int
    deliveries: list[Delivery]
    tracking: Tracking
    records: int


def _joint(fresh: Sequence[_Fresh], limit: int) -> list[list[_Fresh]]:
    """The partitions grouped in order, one transaction each: a group's records stay within
    `limit` (a partition above it alone; a partition is never split)."""
    groups: list[list[_Fresh]] = []
    size = 0
    for f in fresh:
        if not groups or size + len(f.deliveries) > limit:
            groups.append([])
            size = 0
        groups[-1].append(f)
        size += len(f.deliveries)
    return groups


@dataclass(frozen=True)
class _Skips:
    """What of a topic's records is skipped by header: event types always, others by value."""

    types: frozenset[bytes]
    by_header: dict[bytes, tuple[tuple[str, frozenset[bytes]], ...]]

    def skipped(self, event_type: bytes, headers: Sequence[tuple[str, bytes]]) -> bool:
        if event_type in self.types:
            return True
        conditions = self.by_header.get(event_type)
        if conditions is None:
            return False
        for name, values in conditions:
            for key, value in headers:
                if key == name and value is not None and bytes(value) in values:
                    return True
        return False


@dataclass(frozen=True)
class _Outcome:
    """What the worker did with a plan: the position now known, and the rejections or error."""

    position: int | None
    result: Any  # rejections, None (nothing fresh), an Exception, or UNTRIED
    seconds: float


def _event_type(headers: Sequence[tuple[str, Any]]) -> bytes | None:
    for key, value in headers:
        if key == "event_type":
            return value if value is None or type(value) is bytes else bytes(value)
    return None


def tracking_name(topic: str, partition: int) -> str:
    """One tracking row per topic partition."""
    return f"{topic}:{partition}"


def describe(error: BaseException) -> str:
    """An error as a dead letter states it."""
    return safe_text(f"{type(error).__name__}: {error}")


class IdempotentConsumer:
    """Feeds Kafka records to an application; a record seen twice changes nothing."""

    def __init__(
        self,
        processor: BatchProcessor,
        *,
        service: str,
        max_bytes: int,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        observe: Observe = _unobserved,
        joint_records: int = JOINT_RECORDS,
    ) -> None:
        self._processor = processor
        self._transaction = observe
        self._joint_records = joint_records
        self._service = service
        self._max_bytes = max_bytes
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self.health = ConsumerHealth()
        self._skips: dict[str, _Skips] = {}
        self.skipped = 0
        self.worker = Worker(f"consumer-{service}")
        # Positions this consumer recorded itself, per partition: read from the store only when
        # unknown. Forget them whenever the assignment changes (another replica may move them).
        self._positions: dict[str, int] = {}

    def forget_positions(self) -> None:
        """The partitions were reassigned (a rebalance): read every position again."""
        self._positions.clear()

    async def handle(self, records: Sequence[Any]) -> None:
        """Process one poll's records, partition by partition, in offset order.

        Every partition is tried, whatever happens to another; then the first failure is raised.
        """
        groups: dict[tuple[str, int], list[Any]] = {}
        for record in records:
            groups.setdefault((record.topic, record.partition), []).append(record)
        batches = {key: sorted(group, key=lambda r: r.offset) for key, group in groups.items()}
        failed = await self.handle_fetch(batches)
        for error in failed.values():
            raise error

    async def handle_fetch(self, batches: Mapping[Key, Sequence[Any]]) -> dict[Key, Exception]:
        """Process one fetch: every partition's records (each in offset order, the partitions in
        the fetch's order) in one transaction that records each partition's position.

        The partitions go to the store in one worker call (one thread hop per fetch, not one per
        partition). If that transaction fails, each partition is tried in a transaction of its
        own, and one that fails again takes the careful way alone (conflict retries, records
        isolated, waiting for the store), so it holds no other back. Returns the partitions that
        could not be done (the store is away): fetch them again.
        """
        keys = [key for key, records in batches.items() if records]
        plans = [self._plan(topic, part, batches[topic, part]) for topic, part in keys]
        if not plans:
            return {}
        try:
            outcomes = await self.worker.run(self._run_plans, plans)
        except BaseException:  # cancelled: what the worker did is unknown, read it again
            for plan in plans:
                self._positions.pop(plan.name, None)
            raise
        failed: dict[Key, Exception] = {}
        for key, plan, outcome in zip(keys, plans, outcomes, strict=True):
            try:
                await self._settle(plan, outcome)
            except Exception as error:
                self._positions.pop(plan.name, None)
                failed[key] = error
        return failed

    def close(self) -> None:
        """The consumer is done: its worker thread may end."""
        self.worker.close()

    def _plan(self, topic: str, partition: int, records: Sequence[Any]) -> _Plan:
        """A partition's records as handed to the worker: each decoded, or left out if its
        headers say the policy ignores it."""
        skips = self._skips.get(topic) or self._skips_of(topic)
        deliveries = []
        for record in records:
            headers = record.headers or ()
            event_type = _event_type(headers)
            if event_type is not None and skips.skipped(event_type, headers):
                self.skipped += 1
                continue
            delivery = self._decode(topic, record, event_type)
            if delivery is not None:
                deliveries.append(delivery)
        first, last = records[0].offset, records[-1].offset
        return _Plan(tracking_name(topic, partition), deliveries, first, last, len(records))

    def _run_plans(self, plans: Sequence[_Plan]) -> list[_Outcome]:
        """In the worker thread: the partitions' fresh records in one transaction (a few if
        they pass `joint_records`); if one fails, each partition in a transaction of its own."""
        outcomes: dict[int, _Outcome] = {}
        fresh: list[_Fresh] = []
        for index, plan in enumerate(plans):
            started = time.perf_counter()
            done = self._positions.get(plan.name)
            if done is None:
                try:
                    done = self._processor.position(plan.name) or 0
                except Exception:  # the careful way reads it again, and waits if it must
                    outcomes[index] = _Outcome(None, UNTRIED, time.perf_counter() - started)
                    continue
            found = plan.fresh(done)
            if found is None:
                outcomes[index] = _Outcome(done, None, time.perf_counter() - started)
            else:
                fresh.append(_Fresh(index, done, *found, records=plan.records))
        for group in _joint(fresh, self._joint_records):
            outcomes.update(self._run_joint(group) if len(group) > 1 else self._run_alone(group))
        return [outcomes[index] for index in range(len(plans))]

    def _run_joint(self, group: Sequence[_Fresh]) -> dict[int, _Outcome]:
        """Several partitions' records and positions in one transaction; if it fails (a record,
        a race, the store), each partition alone, as if they had never been together."""
        started = time.perf_counter()
        first, more = group[0].tracking, [f.tracking for f in group[1:]]
        deliveries = [d for f in group for d in f.deliveries]
        try:
            rejected = self._processor.process_batch(
                deliveries, first, service=self._service, more_tracking=more
            )
        except Exception as error:
            log.info("fetch-batch-failed", partitions=len(group), error=describe(error))
            if not self._answers(first.application_name):  # each waits on the careful way
                seconds = time.perf_counter() - started
                return {f.index: _Outcome(None, UNTRIED, seconds) for f in group}
            return self._run_alone(group)
        seconds = time.perf_counter() - started
        self._transaction("batch", sum(f.records for f in group), seconds)
        return {  # the rejections are logged once, with the first partition
            f.index: _Outcome(f.tracking.notification_id, rejected if n == 0 else [], seconds)
            for n, f in enumerate(group)
        }

    def _answers(self, name: str) -> bool:
        """Whether the store answers a trivial read (else no partition alone would be done)."""
        try:
            self._processor.position(name)
        except Exception:
            return False
        return True

    def _run_alone(self, group: Sequence[_Fresh]) -> dict[int, _Outcome]:
        """Each partition's records in a transaction of its own."""
        outcomes = {}
        for f in group:
            started = time.perf_counter()
            try:
                rejected = self._processor.process_batch(
                    f.deliveries, f.tracking, service=self._service
                )
            except Exception as error:
                outcomes[f.index] = _Outcome(f.done, error, time.perf_counter() - started)
                continue
            seconds = time.perf_counter() - started
            self._transaction("batch", f.records, seconds)
            outcomes[f.index] = _Outcome(f.tracking.notification_id, rejected, seconds)
        return outcomes

    async def _settle(self, plan: _Plan, outcome: _Outcome) -> None:
        """Keep what the worker did; a failed partition goes on the careful way."""
        result = outcome.result
        if result is UNTRIED or isinstance(result, Exception):
            if outcome.position is not None:
                self._positions[plan.name] = outcome.position
            else:  # the store did not answer: the careful way reads it first (and waits)
                self._positions.pop(plan.name, None)
            await self._handle_partition(plan, result)
            return
        assert outcome.position is not None
        self._positions[plan.name] = outcome.position
        if result is not None:
            self._done(result)

    async def _handle_partition(self, plan: _Plan, first: object = UNTRIED) -> None:
        """The careful way; `first` is the outcome of the worker's try of this very batch."""
        name = plan.name
        conflicts = 0
        while True:
            fresh = plan.fresh(await self._position(name))
            if fresh is None:
                return
            deliveries, tracking = fresh
            if isinstance(first, Exception):
                error, first = await self._failed(first, tracking), UNTRIED
            else:
                error = await self._try(deliveries, tracking, "batch")
            if not isinstance(error, Conflict) or conflicts >= self.retry.conflict_batch_tries:
                break
            conflicts += 1  # the whole batch again, re-reading what the other writer recorded
            await self._sleep(self.retry.conflict_delay(conflicts))
        if error is None:
            return
        if not deliveries:
            raise error
        log.warning("batch-failed-isolating-records", tracking=name, error=describe(error))
        for index, delivery in enumerate(deliveries):
            last = index == len(deliveries) - 1
            assert delivery.source is not None
            position = tracking if last else Tracking(name, delivery.source.offset + 1)
            await self._isolated(delivery, position)

    def ignored(self, topic: str) -> frozenset[bytes]:
        """The `event_type` header values of this topic the policy ignores."""
        return (self._skips.get(topic) or self._skips_of(topic)).types

    def _skips_of(self, topic: str) -> _Skips:
        ignored_types = getattr(self._processor, "ignored_types", None)
        names = ignored_types(topic) if ignored_types is not None else ()
        ignored_by_header = getattr(self._processor, "ignored_by_header", None)
        by_header = ignored_by_header(topic) if ignored_by_header is not None else {}
        found = self._skips[topic] = _Skips(
            frozenset(n.encode() for n in names),
            {
                kind.encode(): tuple(
                    (header, frozenset(v.encode() for v in values))
                    for header, values in conditions.items()
                )
                for kind, conditions in by_header.items()
            },
        )
        return found

    def _decode(self, topic: str, record: Any, event_type: bytes | None) -> Delivery | None:
        source = SourceRecord.of(record)
        try:
            message = codec.decode(topic, record.value, self._max_bytes, event_type)
        except codec.MalformedMessage as bad:
            return Delivery(source, failure=Rejection(bad.reason, bad.detail))
        except Exception as error:  # a pure function of the bytes: trying again cannot help
            return Delivery(source, failure=Rejection("processing-failed", describe(error)))
        if isinstance(message, codec.UnknownEventType):
            log.info("skipped-unknown-event-type", topic=topic, event_type=message.event_type)
            return None
        return Delivery(source, message)

    async def _isolated(self, delivery: Delivery, position: Tracking) -> None:
        """One record in its own transaction: a bounded number of tries, then a dead letter.

        A lost race is not a failed try: it is run again (re-read), up to `conflict_record_tries`
        times; a conflict that outlasts that is no race but the record's fault (a policy that
        creates an aggregate that exists), and counts as a failed try, so the partition moves on.
        """
        attempts = max(1, self.retry.attempts)
        attempt, conflicts = 1, 0
        while (error := await self._try([delivery], position)) is not None:
            if isinstance(error, Conflict) and conflicts < self.retry.conflict_record_tries:
                conflicts += 1
                await self._sleep(self.retry.conflict_delay(conflicts))
                continue
            log.warning("record-failed", attempt=attempt, of=attempts, error=describe(error))
            if attempt == attempts:
                break
            await self._sleep(self.retry.record_delay(attempt))
            attempt += 1
        else:
            return
        failed = Delivery(delivery.source, failure=Rejection("processing-failed", describe(error)))
        final = await self._try([failed], position)
        if final is not None:
            raise final  # not even the dead letter can be stored: retry the batch later

    async def _try(
        self, deliveries: list[Delivery], tracking: Tracking, kind: str = "isolated"
    ) -> Exception | None:
        """One transaction; None when done, else the error (the store answers: a record's fault).

        `kind` names it to the metrics: a partition's batch, or records isolated."""
        started = time.perf_counter()
        try:
            rejected = await self.worker.run(self._process, deliveries, tracking)
        except Exception as error:
            return await self._failed(error, tracking)
        self._transaction(kind, len(deliveries), time.perf_counter() - started)
        self._positions[tracking.application_name] = tracking.notification_id
        self._done(rejected)
        return None

    def _process(
        self, deliveries: list[Delivery], tracking: Tracking
    ) -> list[tuple[Any, Rejection]]:
        return self._processor.process_batch(deliveries, tracking, service=self._service)

    def _done(self, rejected: Sequence[tuple[Any, Rejection]]) -> None:
        self.health.recovered()
        for _, rejection in rejected:
            log.warning("dead-lettered", reason=rejection.reason, error=rejection.detail[:300])

    async def _failed(self, error: Exception, tracking: Tracking) -> Exception | None:
        """Classify a failed transaction: None (already done), a Conflict, or the record's fault.

        Raises StoreUnavailable if the store does not answer.
        """
        self._positions.pop(tracking.application_name, None)  # read it again
        if isinstance(error, IntegrityError):
            if await self._already_done(tracking):
                return None
            log.info("conflict", tracking=tracking.application_name, error=describe(error))
            return Conflict(describe(error))
        await self._position(tracking.application_name)  # raises if the store is away
        return error

    async def _already_done(self, tracking: Tracking) -> bool:
        """An IntegrityError on the tracking row: did another consumer record this batch?"""
        done = await self._position(tracking.application_name)
        if done >= tracking.notification_id:
            log.info("already-processed", tracking=tracking.application_name, position=done)
            return True
        return False  # another writer changed an aggregate first: a conflict, try again

    async def _position(self, name: str) -> int:
        """The stored position; if the store does not answer, wait and give up this batch."""
        known = self._positions.get(name)
        if known is not None:
            return known
        try:
            position = await self.worker.run(self._processor.position, name)
        except Exception as error:
            failures = self.health.waiting(error)
            log.error("store-unavailable", tracking=name, error=describe(error), tries=failures)
            await self._sleep(self.retry.unavailable_delay(failures))
            raise StoreUnavailable(self.health.reason) from error
        self._positions[name] = position or 0
        return position or 0
